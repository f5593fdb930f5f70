// Decoders that cannot take the process down (issue 22): the HEIF item
// reader that finds the size a decode will really produce, the RAW
// preview's JPEG frame size, and decoder helper processes (the photoscore
// binary itself) against decoding in process, a helper that hangs, one that
// crashes mid-photo and a run that stops. tests/decoder_isolation.sh runs
// the real crashers and bombs end to end.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/camera_raw.hpp"
#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"
#include "image/heif_layout.hpp"
#include "image/probe.hpp"
#include "image/thumbnail.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- ISO-BMFF boxes, enough for HEIF item structures ---------------------------
void put16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xFFFF);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
Bytes box(const char* type, const Bytes& body) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(8 + body.size()));
  b.insert(b.end(), type, type + 4);
  append(b, body);
  return b;
}
Bytes full_box(const char* type, std::uint8_t version, std::uint32_t flags, const Bytes& body) {
  Bytes b;
  put32(b, (std::uint32_t{version} << 24) | flags);
  append(b, body);
  return box(type, b);
}

struct Item {
  std::uint16_t id;
  const char* type;
  std::uint32_t ispe_w, ispe_h;
  Bytes data;                         // in idat
  std::vector<std::uint16_t> inputs;  // dimg
  bool turned = false;
};

// A HEIF file of `items` (all data in idat), `primary` the primary one.
Bytes heif(const std::vector<Item>& items, std::uint16_t primary) {
  Bytes infes, iloc, ipma, idat, refs, props;
  put16(iloc, 0x4400);
  put16(iloc, static_cast<std::uint32_t>(items.size()));
  put32(ipma, static_cast<std::uint32_t>(items.size()));
  int prop = 0;
  for (const Item& item : items) {
    Bytes infe;
    put16(infe, item.id);
    put16(infe, 0);
    infe.insert(infe.end(), item.type, item.type + 4);
    infe.push_back(0);
    append(infes, full_box("infe", 2, 0, infe));
    put16(iloc, item.id);
    put16(iloc, 1);  // construction method 1: idat
    put16(iloc, 0);
    put16(iloc, 1);
    put32(iloc, static_cast<std::uint32_t>(idat.size()));
    put32(iloc, static_cast<std::uint32_t>(item.data.size()));
    append(idat, item.data);
    Bytes ispe;
    put32(ispe, item.ispe_w);
    put32(ispe, item.ispe_h);
    append(props, full_box("ispe", 0, 0, ispe));
    put16(ipma, item.id);
    ipma.push_back(item.turned ? 2 : 1);
    ipma.push_back(static_cast<std::uint8_t>(0x80 | ++prop));
    if (item.turned) {
      append(props, box("irot", Bytes{1}));
      ipma.push_back(static_cast<std::uint8_t>(0x80 | ++prop));
    }
    if (!item.inputs.empty()) {
      Bytes ref;
      put16(ref, item.id);
      put16(ref, static_cast<std::uint32_t>(item.inputs.size()));
      for (auto to : item.inputs) put16(ref, to);
      append(refs, box("dimg", ref));
    }
  }
  Bytes iinf;
  put16(iinf, static_cast<std::uint32_t>(items.size()));
  append(iinf, infes);
  Bytes pitm;
  put16(pitm, primary);
  Bytes meta;
  append(meta, full_box("pitm", 0, 0, pitm));
  append(meta, full_box("iinf", 0, 0, iinf));
  append(meta, full_box("iloc", 1, 0, iloc));
  if (!refs.empty()) append(meta, full_box("iref", 0, 0, refs));
  Bytes iprp = box("ipco", props);
  append(iprp, full_box("ipma", 0, 0, ipma));
  append(meta, box("iprp", iprp));
  append(meta, box("idat", idat));
  Bytes file = box("ftyp", Bytes{'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'});
  append(file, full_box("meta", 0, 0, meta));
  return file;
}

Bytes grid_data(int rows, int cols, std::uint32_t w, std::uint32_t h) {
  Bytes d{0, 1, static_cast<std::uint8_t>(rows - 1), static_cast<std::uint8_t>(cols - 1)};
  put32(d, w);
  put32(d, h);
  return d;
}

Bytes overlay_data(std::uint32_t w, std::uint32_t h) {
  Bytes d{0, 1};
  for (int i = 0; i < 4; ++i) put16(d, 0);
  put32(d, w);
  put32(d, h);
  put32(d, 0);
  put32(d, 0);
  return d;
}

Item tile(std::uint16_t id) { return {id, "hvc1", 64, 64, {}, {}}; }

TEST(HeifLayout, ACodedImageIsItsIspe) {
  const HeifLayout l = read_heif_layout(heif({tile(1)}, 1));
  EXPECT_EQ(l.width, 64);
  EXPECT_EQ(l.height, 64);
  EXPECT_EQ(l.decodes, 1u);
  EXPECT_EQ(l.items, 1u);
}

TEST(HeifLayout, AGridIsWhatItsDataDeclaresNotItsIspe) {
  Item grid{2, "grid", 64, 64, grid_data(2, 3, 190, 128), {1, 1, 1, 1, 1, 1}};
  const HeifLayout l = read_heif_layout(heif({tile(1), grid}, 2));
  EXPECT_EQ(l.width, 190);
  EXPECT_EQ(l.height, 128);
  EXPECT_EQ(l.decodes, 6u);
}

TEST(HeifLayout, ALyingOverlayIsItsCanvas) {
  Item overlay{2, "iovl", 64, 64, overlay_data(20000, 12000), {1}};
  const HeifLayout l = read_heif_layout(heif({tile(1), overlay}, 2));
  EXPECT_EQ(l.width, 20000);
  EXPECT_EQ(l.height, 12000);
}

TEST(HeifLayout, RotationSwapsTheSides) {
  Item turned{1, "hvc1", 64, 32, {}, {}, true};
  const HeifLayout l = read_heif_layout(heif({turned}, 1));
  EXPECT_EQ(l.width, 32);
  EXPECT_EQ(l.height, 64);
}

TEST(HeifLayout, AnIdenChainIsRefusedPastItsDepth) {
  std::vector<Item> items{tile(1)};
  for (std::uint16_t i = 2; i <= 12; ++i)
    items.push_back({i, "iden", 64, 64, {}, {static_cast<std::uint16_t>(i - 1)}});
  try {
    read_heif_layout(heif(items, 12));
    FAIL() << "an 11-deep iden chain was accepted";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("derived through more than"), std::string::npos) << e.what();
  }
  // One iden over a coded image is what cameras write: fine.
  EXPECT_EQ(read_heif_layout(heif({tile(1), {2, "iden", 64, 64, {}, {1}}}, 2)).width, 64);
}

TEST(HeifLayout, AGridOfGridsCountsEveryTile) {
  Item inner{2, "grid", 64, 64, grid_data(16, 16, 1024, 1024), std::vector<std::uint16_t>(256, 1)};
  Item outer{3, "grid", 64, 64, grid_data(16, 16, 16384, 16384), std::vector<std::uint16_t>(256, 2)};
  try {
    read_heif_layout(heif({tile(1), inner, outer}, 3));
    FAIL() << "65,536 tile decodes were accepted";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("coded images"), std::string::npos) << e.what();
  }
  // A small grid of grids is a size like any other.
  Item small_inner{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1, 1}};
  Item small_outer{3, "grid", 64, 64, grid_data(2, 2, 256, 256), {2, 2, 2, 2}};
  const HeifLayout l = read_heif_layout(heif({tile(1), small_inner, small_outer}, 3));
  EXPECT_EQ(l.width, 256);
  EXPECT_EQ(l.decodes, 16u);
}

TEST(HeifLayout, TooManyItemsAreRefused) {
  std::vector<Item> items;
  for (std::uint16_t i = 1; i <= kMaxHeifItems + 1; ++i) items.push_back(tile(i));
  EXPECT_THROW(read_heif_layout(heif(items, 1)), DecodeError);
}

TEST(HeifLayout, EveryTruncationIsAnErrorNeverACrash) {
  Item grid{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1, 1}};
  const Bytes file = heif({tile(1), grid}, 2);
  for (std::size_t n = 0; n < file.size(); ++n) {
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      read_heif_layout(cut);
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  // A grid whose tile count disagrees with its dimensions.
  Item short_grid{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1}};
  EXPECT_THROW(read_heif_layout(heif({tile(1), short_grid}, 2)), DecodeError);
}

// --- A RAW preview's size from its JPEG frame ------------------------------------
TEST(JpegFrameSize, ReadsTheFrameHeaderPastOtherSegments) {
  RgbImage image;
  image.width = 40;
  image.height = 24;
  image.rgb.assign(40 * 24 * 3, 128);
  const std::string jpeg = encode_jpeg(image, 90);
  // An APP1 segment of 3,000 bytes before the frame, as EXIF puts there.
  Bytes file(jpeg.begin(), jpeg.begin() + 2);
  Bytes app{0xFF, 0xE1};
  put16(app, 3002);
  app.resize(app.size() + 3000, 0x41);
  append(file, app);
  file.insert(file.end(), jpeg.begin() + 2, jpeg.end());
  const ReadAt read = [&](std::uint64_t at, std::size_t n, std::uint8_t* out) {
    if (at > file.size() || n > file.size() - at) return false;
    std::memcpy(out, file.data() + at, n);
    return true;
  };
  int w = 0, h = 0;
  ASSERT_TRUE(jpeg_frame_size(read, 0, file.size(), w, h));
  EXPECT_EQ(w, 40);
  EXPECT_EQ(h, 24);
  EXPECT_FALSE(jpeg_frame_size(read, 1, file.size() - 1, w, h));  // not at a JPEG
  EXPECT_FALSE(jpeg_frame_size(read, 0, 500, w, h));              // the frame is past the length
}

// --- Decoder helpers --------------------------------------------------------------
Bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// This process's decoder helpers (its children started with the helper argument).
std::vector<pid_t> helper_pids() {
  std::vector<pid_t> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream children(task.path() / "children");
    for (pid_t pid; children >> pid;) {
      std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
      const std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      if (args.find(kDecoderHelperArg) != std::string::npos) out.push_back(pid);
    }
  }
  return out;
}

class DecoderHelpers : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
    // A helper killed with SIGSEGV below must die of it, as in a release
    // build: AddressSanitizer's handler would report it (slowly, while the
    // next request goes out) and exit or abort instead. Only the helpers
    // started from now on read it.
    const char* options = std::getenv("ASAN_OPTIONS");
    const std::string mine = options ? options : "";
    if (mine.find("handle_segv=0") == std::string::npos)
      ::setenv("ASAN_OPTIONS", (mine + (mine.empty() ? "" : ":") + "handle_segv=0").c_str(), 1);
#endif
    settings_.enabled = true;
    settings_.program = PHOTOSCORE_BINARY;
    settings_.seconds = 30;
    configure_decoder_helpers(settings_);
  }
  void TearDown() override {
    for (pid_t pid : helper_pids()) ::kill(pid, SIGCONT);
    end_decoder_helper();
    configure_decoder_helpers({});
  }
  const std::string tiff_ = std::string(PHOTOSCORE_TEST_DATA) + "/photos/rocket.tiff";
  DecoderHelperSettings settings_;
};

TEST_F(DecoderHelpers, DecodeAndProbeAsInProcess) {
  const Bytes bytes = read_all(tiff_);
  RgbImage isolated, borrowed;
  decode_image_into(bytes, {}, isolated);
  DecodeLimits borrowing;
  borrowing.borrow_helper_pixels = true;
  decode_image_into(bytes, borrowing, borrowed);
  const ImageProbe probe = probe_image(tiff_);
  EXPECT_FALSE(helper_pids().empty()) << "no helper process decoded it";
  configure_decoder_helpers({});
  const RgbImage in_process = decode_image(bytes);
  const ImageProbe probe_in_process = probe_image(tiff_);
  ASSERT_GT(in_process.width, 0);
  EXPECT_EQ(isolated.width, in_process.width);
  EXPECT_EQ(isolated.height, in_process.height);
  EXPECT_EQ(isolated.shared, nullptr);
  EXPECT_TRUE(isolated.rgb == in_process.rgb) << "a copied helper decode differs";
  ASSERT_NE(borrowed.shared, nullptr);
  EXPECT_EQ(std::memcmp(borrowed.row(0), in_process.rgb.data(), in_process.rgb.size()), 0)
      << "a borrowed helper decode differs";
  EXPECT_TRUE(probe.ok);
  EXPECT_EQ(probe.width, probe_in_process.width);
  EXPECT_EQ(probe.height, probe_in_process.height);
  EXPECT_EQ(probe.format, probe_in_process.format);
}

TEST_F(DecoderHelpers, AHelperPastItsDeadlineIsKilledAndReplaced) {
  const Bytes bytes = read_all(tiff_);
  RgbImage image;
  decode_image_into(bytes, {}, image);                   // the helpers are running
  for (pid_t pid : helper_pids()) ::kill(pid, SIGSTOP);  // and now hang
  settings_.seconds = 0.5;
  configure_decoder_helpers(settings_);
  try {
    decode_image_into(bytes, {}, image);
    FAIL() << "a hung helper gave an answer";
  } catch (const DecodeError& e) {
    // Stopped before it read the request: no stage reached past the signature.
    EXPECT_STREQ(e.what(), "decoder exceeded 0.5 s in TIFF");
  }
  // The next photo gets a fresh helper.
  for (pid_t pid : helper_pids()) ::kill(pid, SIGCONT);
  decode_image_into(bytes, {}, image);
  EXPECT_GT(image.width, 0);
}

// Kills this process's helpers with SIGSEGV on the first look at the stop
// flag: while a request is in flight.
bool crash_helpers() {
  for (pid_t pid : helper_pids()) {
    ::kill(pid, SIGSEGV);
    ::kill(pid, SIGCONT);
  }
  return false;
}

TEST_F(DecoderHelpers, AHelperThatCrashesIsThatPhotosErrorAndReplaced) {
  const Bytes bytes = read_all(tiff_);
  RgbImage image;
  decode_image_into(bytes, {}, image);
  for (pid_t pid : helper_pids()) ::kill(pid, SIGSTOP);
  settings_.stopping = crash_helpers;
  configure_decoder_helpers(settings_);
  try {
    decode_image_into(bytes, {}, image);
    FAIL() << "a crashed helper gave an answer";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "decoder crashed: SIGSEGV in TIFF");
  }
  settings_.stopping = nullptr;
  configure_decoder_helpers(settings_);
  image = RgbImage{};
  decode_image_into(bytes, {}, image);
  EXPECT_GT(image.width, 0);
}

bool always_stopping() { return true; }

TEST_F(DecoderHelpers, AStoppingRunAbandonsAStuckDecode) {
  const Bytes bytes = read_all(tiff_);
  RgbImage image;
  decode_image_into(bytes, {}, image);
  for (pid_t pid : helper_pids()) ::kill(pid, SIGSTOP);
  settings_.stopping = always_stopping;
  configure_decoder_helpers(settings_);
  try {
    decode_image_into(bytes, {}, image);
    FAIL() << "a stuck helper gave an answer";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), kDecodeStopped);
  }
}

}  // namespace
}  // namespace photoscore
