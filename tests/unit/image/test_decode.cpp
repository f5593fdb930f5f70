// The decoders against the reference photos (sizes from the oracle's golden
// rows, pixels from Pillow, which the oracle decodes with) and against small
// files built here byte by byte for the cases the photos do not cover.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

const std::filesystem::path kData = PHOTOSCORE_TEST_DATA;

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes photo(const std::string& name) { return read_file(kData / "photos" / name); }

std::uint64_t fnv1a(const Bytes& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

// The contract for every error row: one line, lower-case start, no period.
void expect_one_line(const std::string& message) {
  ASSERT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find('\r'), std::string::npos) << message;
  EXPECT_FALSE(message.front() >= 'A' && message.front() <= 'Z') << message;
  EXPECT_NE(message.back(), '.') << message;
}

// Runs decode and returns the DecodeError's message ("" when none is thrown).
template <typename Decode>
std::string error_of(Decode&& decode) {
  try {
    decode();
  } catch (const DecodeError& e) {
    expect_one_line(e.what());
    return e.what();
  }
  ADD_FAILURE() << "no DecodeError thrown";
  return "";
}

Bytes rgb_of(std::initializer_list<std::uint8_t> values) { return Bytes(values); }

// ---------------------------------------------------------------- builders

void put_be32(Bytes& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}

void put_le16(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_le32(Bytes& out, std::uint32_t v) {
  put_le16(out, v & 0xFFFF);
  put_le16(out, v >> 16);
}

std::uint32_t crc32(const Bytes& bytes, std::size_t from) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = from; i < bytes.size(); ++i) {
    crc ^= bytes[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

void put_chunk(Bytes& png, const std::string& type, const Bytes& data) {
  put_be32(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = png.size();
  png.insert(png.end(), type.begin(), type.end());
  png.insert(png.end(), data.begin(), data.end());
  put_be32(png, crc32(png, start));
}

// A zlib stream of stored (uncompressed) deflate blocks.
Bytes zlib_stored(const Bytes& raw) {
  Bytes z{0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(raw.size() - pos, 65535);
    z.push_back(pos + n == raw.size() ? 1 : 0);
    put_le16(z, static_cast<std::uint32_t>(n));
    put_le16(z, static_cast<std::uint32_t>(~n & 0xFFFF));
    z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(pos),
             raw.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  } while (pos < raw.size());
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (std::uint8_t v : raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(z, b << 16 | a);
  return z;
}

struct PngSpec {
  std::uint32_t width = 1;
  std::uint32_t height = 1;
  std::uint8_t bit_depth = 8;
  std::uint8_t color_type = 2;
  bool interlaced = false;
  // Packed samples of each row, without the filter byte.
  std::vector<Bytes> rows;
  std::vector<std::pair<std::string, Bytes>> chunks_before_idat;
};

std::size_t png_bits_per_pixel(const PngSpec& spec) {
  const int channels[] = {1, 0, 3, 1, 2, 0, 4};
  return static_cast<std::size_t>(channels[spec.color_type]) * spec.bit_depth;
}

// Filter type 0 scanlines; for Adam7 the rows' pixels are regrouped by pass.
Bytes png_scanlines(const PngSpec& spec) {
  Bytes raw;
  if (!spec.interlaced) {
    for (const Bytes& row : spec.rows) {
      raw.push_back(0);
      raw.insert(raw.end(), row.begin(), row.end());
    }
    return raw;
  }
  const std::size_t bpp = png_bits_per_pixel(spec);
  EXPECT_EQ(bpp % 8, 0u) << "the test builder interlaces whole-byte pixels only";
  const std::size_t px = bpp / 8;
  const int x0[] = {0, 4, 0, 2, 0, 1, 0};
  const int y0[] = {0, 0, 4, 0, 2, 0, 1};
  const int dx[] = {8, 8, 4, 4, 2, 2, 1};
  const int dy[] = {8, 8, 8, 4, 4, 2, 2};
  for (int pass = 0; pass < 7; ++pass) {
    if (static_cast<std::uint32_t>(x0[pass]) >= spec.width) continue;
    for (std::uint32_t y = static_cast<std::uint32_t>(y0[pass]); y < spec.height;
         y += static_cast<std::uint32_t>(dy[pass])) {
      raw.push_back(0);
      for (std::uint32_t x = static_cast<std::uint32_t>(x0[pass]); x < spec.width;
           x += static_cast<std::uint32_t>(dx[pass])) {
        const auto from = spec.rows[y].begin() + static_cast<std::ptrdiff_t>(x * px);
        raw.insert(raw.end(), from, from + static_cast<std::ptrdiff_t>(px));
      }
    }
  }
  return raw;
}

Bytes make_png(const PngSpec& spec, bool with_iend = true) {
  Bytes png{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  Bytes ihdr;
  put_be32(ihdr, spec.width);
  put_be32(ihdr, spec.height);
  ihdr.insert(ihdr.end(),
              {spec.bit_depth, spec.color_type, 0, 0, static_cast<std::uint8_t>(spec.interlaced ? 1 : 0)});
  put_chunk(png, "IHDR", ihdr);
  for (const auto& [type, data] : spec.chunks_before_idat) put_chunk(png, type, data);
  put_chunk(png, "IDAT", zlib_stored(png_scanlines(spec)));
  if (with_iend) put_chunk(png, "IEND", {});
  return png;
}

struct BmpSpec {
  std::int32_t width = 2;
  std::int32_t height = 2;  // negative: top-down
  std::uint16_t bits = 24;
  std::uint32_t compression = 0;
  std::uint32_t header_size = 40;
  std::vector<std::array<std::uint8_t, 3>> palette;  // RGB
  // Rows top first, packed, without padding; stored in file order by make_bmp.
  std::vector<Bytes> rows;
};

Bytes make_bmp(const BmpSpec& spec) {
  const std::size_t stride = (static_cast<std::size_t>(spec.width) * spec.bits + 31) / 32 * 4;
  Bytes pixels;
  const std::size_t n = spec.rows.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Bytes& row = spec.height < 0 ? spec.rows[i] : spec.rows[n - 1 - i];
    Bytes padded = row;
    padded.resize(stride, 0);
    pixels.insert(pixels.end(), padded.begin(), padded.end());
  }
  const auto offset = static_cast<std::uint32_t>(14 + spec.header_size + 4 * spec.palette.size());
  Bytes bmp{'B', 'M'};
  put_le32(bmp, offset + static_cast<std::uint32_t>(pixels.size()));
  put_le32(bmp, 0);
  put_le32(bmp, offset);
  put_le32(bmp, spec.header_size);
  put_le32(bmp, static_cast<std::uint32_t>(spec.width));
  put_le32(bmp, static_cast<std::uint32_t>(spec.height));
  put_le16(bmp, 1);
  put_le16(bmp, spec.bits);
  put_le32(bmp, spec.compression);
  put_le32(bmp, static_cast<std::uint32_t>(pixels.size()));
  put_le32(bmp, 2835);
  put_le32(bmp, 2835);
  put_le32(bmp, static_cast<std::uint32_t>(spec.palette.size()));
  put_le32(bmp, 0);
  bmp.resize(14 + spec.header_size, 0);
  for (const auto& c : spec.palette) bmp.insert(bmp.end(), {c[2], c[1], c[0], 0});
  bmp.insert(bmp.end(), pixels.begin(), pixels.end());
  return bmp;
}

// A little-endian, uncompressed, single-strip TIFF.
Bytes make_tiff(std::uint32_t width, std::uint32_t height, std::uint16_t samples, std::uint16_t bits,
                std::uint16_t photometric, const Bytes& pixels, std::uint16_t orientation = 1) {
  struct Entry {
    std::uint16_t tag;
    std::uint16_t type;  // 3 SHORT, 4 LONG
    std::uint32_t count;
    std::uint32_t value;
  };
  const std::uint32_t entries = 11;
  const std::uint32_t ifd_size = 2 + 12 * entries + 4;
  const std::uint32_t bits_at = 8 + ifd_size;
  const std::uint32_t data_at = bits_at + 2u * samples;
  const std::uint32_t bits_value = samples <= 2 ? (samples == 2 ? (bits | bits << 16) : bits) : bits_at;
  const std::vector<Entry> ifd = {
      {256, 4, 1, width},
      {257, 4, 1, height},
      {258, 3, samples, bits_value},
      {259, 3, 1, 1},
      {262, 3, 1, photometric},
      {273, 4, 1, data_at},
      {274, 3, 1, orientation},
      {277, 3, 1, samples},
      {278, 4, 1, height},
      {279, 4, 1, static_cast<std::uint32_t>(pixels.size())},
      {284, 3, 1, 1},
  };
  Bytes tiff{'I', 'I', 42, 0};
  put_le32(tiff, 8);
  put_le16(tiff, entries);
  for (const Entry& e : ifd) {
    put_le16(tiff, e.tag);
    put_le16(tiff, e.type);
    put_le32(tiff, e.count);
    put_le32(tiff, e.value);
  }
  put_le32(tiff, 0);
  for (std::uint16_t s = 0; s < samples; ++s) put_le16(tiff, bits);
  tiff.insert(tiff.end(), pixels.begin(), pixels.end());
  return tiff;
}

// ------------------------------------------------------- reference photos

struct Reference {
  const char* name;
  int width;
  int height;
  // FNV-1a 64 of numpy.array(Image.open(p).convert("RGB")).tobytes(),
  // Pillow 9.4 on Debian 12 (the oracle's decoder).
  std::uint64_t pillow_rgb_fnv1a;
};

constexpr Reference kReferences[] = {
    {"ROCKET_UPPER.JPG", 640, 427, 0x751a147cf68210d9ull},
    {"astronaut.png", 512, 512, 0xfa4e6bff08e5e8fbull},
    {"astronaut_16bit.png", 256, 256, 0x1de68cd6ceb11e7cull},
    {"astronaut_2048.jpg", 2048, 2048, 0x9c840d241bee2d91ull},
    {"camera.png", 512, 512, 0x350bdd5a5fceb30eull},
    {"centered_disk.png", 400, 300, 0xe130ed19ba86d969ull},
    {"chelsea.bmp", 451, 300, 0xb2179687966157a8ull},
    {"chelsea.png", 451, 300, 0xb2179687966157a8ull},
    {"chelsea_dark.jpg", 451, 300, 0xc7b6ab2ef1ae9be0ull},
    {"chelsea_gray.jpg", 451, 300, 0x8e2ddaadba4719d4ull},
    {"chelsea_palette.png", 451, 300, 0xe243e0a55d4b4ee1ull},
    {"coffee.png", 600, 400, 0xd261c1b91ef6ee1eull},
    {"coffee_blurred.jpg", 600, 400, 0x6d6d305f94160e43ull},
    {"coffee_lossless.webp", 600, 400, 0xd261c1b91ef6ee1eull},
    {"coffee_rgba.png", 600, 400, 0xd261c1b91ef6ee1eull},
    {"coffee_sharpened.png", 600, 400, 0x68c8af3f0218274cull},
    {"flat_gray.png", 320, 240, 0xccc26fd28c2e7325ull},
    {"hubble_deep_field.jpg", 1000, 872, 0xfb39eb1ad7fbf8d4ull},
    {"retina.jpg", 1411, 1411, 0xf1309d46145345d1ull},
    {"rocket.jpg", 640, 427, 0x34b9b35d9b0edb19ull},
    {"rocket.tiff", 640, 427, 0x34b9b35d9b0edb19ull},
    {"rocket_420.jpg", 640, 427, 0xea90f0e8ebc4f5caull},
    {"rocket_bright.jpg", 640, 427, 0xeaf5885b8faaf342ull},
    {"rocket_exif_rotated.jpg", 640, 427, 0xea90f0e8ebc4f5caull},
    {"rocket_progressive.jpg", 640, 427, 0xea90f0e8ebc4f5caull},
    {"tiny_1x1.png", 1, 1, 0x9dc9941c415f8277ull},
    {"tiny_3x2.png", 3, 2, 0xe253a1fbaeac57c6ull},
    {"tiny_png_named.jpg", 3, 2, 0xe253a1fbaeac57c6ull},
};

TEST(ReferencePhotos, DecodeToGoldenSizeAndPillowPixels) {
  for (const Reference& ref : kReferences) {
    SCOPED_TRACE(ref.name);
    const RgbImage image = decode_image(photo(ref.name));
    EXPECT_EQ(image.width, ref.width);
    EXPECT_EQ(image.height, ref.height);
    ASSERT_EQ(image.rgb.size(), image.pixels() * 3);
    EXPECT_EQ(fnv1a(image.rgb), ref.pillow_rgb_fnv1a);
  }
}

TEST(ReferencePhotos, PairsThatMustAgreeDecodeIdentically) {
  const std::pair<const char*, const char*> pairs[] = {
      {"chelsea.png", "chelsea.bmp"},
      {"coffee.png", "coffee_lossless.webp"},
      {"coffee.png", "coffee_rgba.png"},  // alpha dropped, not blended
      {"rocket.jpg", "rocket.tiff"},
      {"rocket_420.jpg", "rocket_progressive.jpg"},
      {"rocket_420.jpg", "rocket_exif_rotated.jpg"},  // EXIF orientation ignored
      {"tiny_3x2.png", "tiny_png_named.jpg"},
  };
  for (const auto& [a, b] : pairs) {
    SCOPED_TRACE(std::string(a) + " vs " + b);
    const RgbImage x = decode_image(photo(a));
    const RgbImage y = decode_image(photo(b));
    EXPECT_EQ(x.width, y.width);
    EXPECT_EQ(x.height, y.height);
    EXPECT_TRUE(x.rgb == y.rgb);
  }
}

TEST(ReferencePhotos, TinyImagesHaveKnownPixels) {
  EXPECT_EQ(decode_image(photo("tiny_1x1.png")).rgb, rgb_of({200, 10, 10}));
  EXPECT_EQ(decode_image(photo("tiny_3x2.png")).rgb,
            rgb_of({0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255}));
}

TEST(ReferencePhotos, GrayJpegIsReplicated) {
  const RgbImage image = decode_image(photo("chelsea_gray.jpg"));
  for (std::size_t i = 0; i < image.pixels(); ++i) {
    ASSERT_EQ(image.rgb[3 * i], image.rgb[3 * i + 1]);
    ASSERT_EQ(image.rgb[3 * i], image.rgb[3 * i + 2]);
  }
}

// ------------------------------------------------------------- bad files

TEST(BadFiles, EachThrowsAOneLineDecodeError) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kData / "bad")) {
    SCOPED_TRACE(entry.path().filename().string());
    const Bytes bytes = read_file(entry.path());
    error_of([&] { decode_image(bytes); });
    ++count;
  }
  EXPECT_GE(count, 6);
}

TEST(BadFiles, ReasonsSayWhatWentWrong) {
  auto reason = [](const char* name) {
    const Bytes bytes = read_file(kData / "bad" / name);
    return error_of([&] { decode_image(bytes); });
  };
  EXPECT_EQ(reason("empty.jpg"), "empty file");
  EXPECT_EQ(reason("truncated.jpg"), "truncated JPEG data");
  EXPECT_EQ(reason("huge_header.jpg"), "image is 60000 x 60000 pixels, over the limit of 500000000");
  EXPECT_EQ(reason("text_named.png"), "not a supported image (unrecognised content)");
  EXPECT_EQ(reason("garbage.webp"), "not a supported image (unrecognised content)");
  EXPECT_EQ(reason("bad_crc.png"), "invalid PNG: iCC[AF]: invalid chunk type");
}

TEST(Limits, EveryDecoderChecksThePixelLimitFirst) {
  const DecodeLimits tight{1000};
  for (const char* name :
       {"rocket.jpg", "coffee.png", "rocket.tiff", "coffee_lossless.webp", "chelsea.bmp"}) {
    SCOPED_TRACE(name);
    const Bytes bytes = photo(name);
    const std::string message = error_of([&] { decode_image(bytes, tight); });
    EXPECT_NE(message.find("pixels, over the limit of 1000"), std::string::npos) << message;
  }
  const DecodeLimits exact{640 * 427};
  EXPECT_EQ(decode_image(photo("rocket.jpg"), exact).width, 640);
}

// ------------------------------------------------------------------- PNG

TEST(Png, OnePixelRgb) {
  PngSpec spec;
  spec.rows = {{12, 34, 56}};
  const RgbImage image = decode_png(make_png(spec), {});
  EXPECT_EQ(image.width, 1);
  EXPECT_EQ(image.height, 1);
  EXPECT_EQ(image.rgb, rgb_of({12, 34, 56}));
}

TEST(Png, AlphaIsDroppedNotBlended) {
  PngSpec spec;
  spec.width = 2;
  spec.color_type = 6;
  spec.rows = {{10, 20, 30, 0, 200, 100, 50, 128}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({10, 20, 30, 200, 100, 50}));
  spec.color_type = 4;
  spec.rows = {{77, 0, 99, 255}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({77, 77, 77, 99, 99, 99}));
}

TEST(Png, SixteenBitRgbKeepsTheHighByte) {
  PngSpec spec;
  spec.bit_depth = 16;
  spec.rows = {{0x12, 0xFF, 0x80, 0x01, 0x00, 0x99}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({0x12, 0x80, 0x00}));
}

// Pillow opens 16-bit gray as 32-bit integers and clips them into 0..255.
TEST(Png, SixteenBitGrayClipsLikePillow) {
  PngSpec spec;
  spec.width = 3;
  spec.color_type = 0;
  spec.bit_depth = 16;
  spec.rows = {{0x00, 0xC8, 0x01, 0x05, 0xFF, 0xFF}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({200, 200, 200, 255, 255, 255, 255, 255, 255}));
}

TEST(Png, LowBitGrayIsScaled) {
  PngSpec spec;
  spec.width = 4;
  spec.color_type = 0;
  spec.bit_depth = 2;
  spec.rows = {{0b00011011}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255}));
}

TEST(Png, PaletteIgnoresTrnsAndPadsWithTheGrayRamp) {
  PngSpec spec;
  spec.width = 3;
  spec.color_type = 3;
  spec.rows = {{0, 1, 7}};
  spec.chunks_before_idat = {{"PLTE", {200, 0, 0, 0, 0, 200}}, {"tRNS", {0, 0}}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({200, 0, 0, 0, 0, 200, 7, 7, 7}));
}

TEST(Png, GrayTrnsDoesNotAddAlpha) {
  PngSpec spec;
  spec.width = 2;
  spec.color_type = 0;
  spec.rows = {{5, 9}};
  spec.chunks_before_idat = {{"tRNS", {0, 5}}};
  EXPECT_EQ(decode_png(make_png(spec), {}).rgb, rgb_of({5, 5, 5, 9, 9, 9}));
}

TEST(Png, InterlacedMatchesProgressive) {
  PngSpec plain;
  plain.width = 11;
  plain.height = 9;
  for (std::uint32_t y = 0; y < plain.height; ++y) {
    Bytes row;
    for (std::uint32_t x = 0; x < plain.width; ++x) {
      row.insert(row.end(), {static_cast<std::uint8_t>(x * 20), static_cast<std::uint8_t>(y * 25),
                             static_cast<std::uint8_t>(x * y)});
    }
    plain.rows.push_back(row);
  }
  PngSpec interlaced = plain;
  interlaced.interlaced = true;
  const RgbImage a = decode_png(make_png(plain), {});
  const RgbImage b = decode_png(make_png(interlaced), {});
  EXPECT_EQ(a.rgb, b.rgb);
  EXPECT_EQ(a.rgb[3 * (4 * 11 + 5)], 100);
}

TEST(Png, CorruptCrcIsAnError) {
  PngSpec spec;
  spec.rows = {{1, 2, 3}};
  Bytes png = make_png(spec);
  png[29] ^= 0x01;  // first byte of the IHDR CRC
  const std::string message = error_of([&] { decode_png(png, {}); });
  EXPECT_NE(message.find("CRC"), std::string::npos) << message;
}

TEST(Png, MissingTrailerIsAcceptedButMissingPixelsAreNot) {
  PngSpec spec;
  spec.width = 4;
  spec.height = 4;
  spec.rows.assign(4, Bytes(12, 80));
  const Bytes whole = make_png(spec, /*with_iend=*/false);
  EXPECT_EQ(decode_png(whole, {}).rgb, Bytes(48, 80));
  // Cut inside the IDAT CRC: every row is there already.
  const Bytes no_crc(whole.begin(), whole.end() - 3);
  EXPECT_EQ(decode_png(no_crc, {}).rgb, Bytes(48, 80));
  const Bytes short_rows(whole.begin(), whole.end() - 30);
  EXPECT_EQ(error_of([&] { decode_png(short_rows, {}); }), "truncated PNG data");
}

TEST(Png, HugeHeaderOnTinyDataIsRefusedBeforeAllocating) {
  PngSpec spec;
  spec.rows = {{1, 2, 3}};
  Bytes png = make_png(spec);
  // IHDR claims 20000 x 20000 (within the pixel limit); fix its CRC.
  const Bytes size{0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20};
  std::copy(size.begin(), size.end(), png.begin() + 16);
  Bytes crc;
  put_be32(crc, crc32(Bytes(png.begin() + 12, png.begin() + 29), 0));
  std::copy(crc.begin(), crc.end(), png.begin() + 29);
  EXPECT_EQ(error_of([&] { decode_png(png, {}); }), "truncated PNG data");
}

// ------------------------------------------------------------------- BMP

TEST(Bmp, TwoByTwoBottomUpAndTopDownAgree) {
  BmpSpec spec;
  // BGR in the file.
  spec.rows = {{3, 2, 1, 6, 5, 4}, {9, 8, 7, 12, 11, 10}};
  const Bytes expected = rgb_of({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, expected);
  spec.height = -2;
  const RgbImage top_down = decode_bmp(make_bmp(spec), {});
  EXPECT_EQ(top_down.height, 2);
  EXPECT_EQ(top_down.rgb, expected);
}

TEST(Bmp, ThirtyTwoBitDropsTheFourthByte) {
  BmpSpec spec;
  spec.bits = 32;
  spec.width = 1;
  spec.height = 1;
  spec.header_size = 124;
  spec.rows = {{30, 20, 10, 0}};
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, rgb_of({10, 20, 30}));
}

TEST(Bmp, PalettizedDepths) {
  BmpSpec spec;
  spec.width = 3;
  spec.height = 1;
  spec.palette = {{255, 0, 0}, {0, 255, 0}};
  spec.bits = 8;
  spec.rows = {{1, 0, 9}};  // 9: past the palette, Pillow's gray ramp
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, rgb_of({0, 255, 0, 255, 0, 0, 9, 9, 9}));
  spec.bits = 4;
  spec.rows = {{0x10, 0x10}};
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, rgb_of({0, 255, 0, 255, 0, 0, 0, 255, 0}));
  spec.bits = 1;
  spec.rows = {{0b10100000}};
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, rgb_of({0, 255, 0, 255, 0, 0, 0, 255, 0}));
}

TEST(Bmp, SixteenBitIsFiveFiveFive) {
  BmpSpec spec;
  spec.bits = 16;
  spec.width = 1;
  spec.height = 1;
  spec.rows = {{0x1F, 0x7C}};  // R = 31, G = 0, B = 31
  EXPECT_EQ(decode_bmp(make_bmp(spec), {}).rgb, rgb_of({255, 0, 255}));
}

TEST(Bmp, UnsupportedAndDamagedFilesAreErrors) {
  BmpSpec spec;
  spec.rows = {{3, 2, 1, 6, 5, 4}, {9, 8, 7, 12, 11, 10}};
  BmpSpec rle = spec;
  rle.bits = 8;
  rle.compression = 1;
  rle.palette = {{0, 0, 0}};
  EXPECT_EQ(error_of([&] { decode_bmp(make_bmp(rle), {}); }), "unsupported BMP compression 1");

  Bytes truncated = make_bmp(spec);
  truncated.resize(truncated.size() - 9);
  EXPECT_EQ(error_of([&] { decode_bmp(truncated, {}); }), "truncated BMP pixel data");

  BmpSpec odd_header = spec;
  odd_header.header_size = 20;
  EXPECT_EQ(error_of([&] { decode_bmp(make_bmp(odd_header), {}); }), "unsupported BMP header size 20");

  BmpSpec no_width = spec;
  no_width.width = 0;
  EXPECT_EQ(error_of([&] { decode_bmp(make_bmp(no_width), {}); }), "invalid BMP image size");

  const Bytes tiny{'B', 'M', 0, 0, 0};
  EXPECT_EQ(error_of([&] { decode_bmp(tiny, {}); }), "truncated BMP header");

  Bytes far_offset = make_bmp(spec);
  far_offset[10] = 0xF0;
  far_offset[13] = 0x7F;
  EXPECT_EQ(error_of([&] { decode_bmp(far_offset, {}); }), "truncated BMP pixel data");
}

// ------------------------------------------------------------------ TIFF

TEST(Tiff, UncompressedRgb) {
  const Bytes pixels = rgb_of({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18});
  const RgbImage image = decode_tiff(make_tiff(3, 2, 3, 8, 2, pixels), {});
  EXPECT_EQ(image.width, 3);
  EXPECT_EQ(image.height, 2);
  EXPECT_EQ(image.rgb, pixels);
}

// Pillow applies the TIFF Orientation tag (unlike EXIF orientation in JPEG).
// Each orientation's pixels as Pillow 9.4 loads the same 3 x 2 gray TIFF.
TEST(Tiff, OrientationTagIsAppliedAsPillowDoes) {
  const Bytes gray{1, 2, 3, 4, 5, 6};  // 3 x 2
  const struct {
    std::uint16_t orientation;
    int width, height;
    Bytes pixels;
  } cases[] = {{1, 3, 2, {1, 2, 3, 4, 5, 6}}, {2, 3, 2, {3, 2, 1, 6, 5, 4}}, {3, 3, 2, {6, 5, 4, 3, 2, 1}},
               {4, 3, 2, {4, 5, 6, 1, 2, 3}}, {5, 2, 3, {1, 4, 2, 5, 3, 6}}, {6, 2, 3, {4, 1, 5, 2, 6, 3}},
               {7, 2, 3, {6, 3, 5, 2, 4, 1}}, {8, 2, 3, {3, 6, 2, 5, 1, 4}}};
  const auto as_rgb = [](const Bytes& levels) {
    Bytes rgb;
    for (std::uint8_t v : levels) rgb.insert(rgb.end(), 3, v);
    return rgb;
  };
  for (const auto& c : cases) {
    const RgbImage image = decode_tiff(make_tiff(3, 2, 1, 8, 1, gray, c.orientation), {});
    EXPECT_EQ(image.width, c.width) << "orientation " << c.orientation;
    EXPECT_EQ(image.height, c.height) << "orientation " << c.orientation;
    EXPECT_EQ(image.rgb, as_rgb(c.pixels)) << "orientation " << c.orientation;
  }
}

TEST(Tiff, SixteenBitLikePillow) {
  const Bytes gray{0xC8, 0x00, 0x05, 0x01};  // little-endian 200, 261
  EXPECT_EQ(decode_tiff(make_tiff(2, 1, 1, 16, 1, gray), {}).rgb, rgb_of({200, 200, 200, 255, 255, 255}));
  const Bytes rgb{0xFF, 0x12, 0x01, 0x80, 0x99, 0x00};
  EXPECT_EQ(decode_tiff(make_tiff(1, 1, 3, 16, 2, rgb), {}).rgb, rgb_of({0x12, 0x80, 0x00}));
}

TEST(Tiff, DamagedFilesAreErrors) {
  const Bytes good = photo("rocket.tiff");
  const Bytes header_only(good.begin(), good.begin() + 8);
  EXPECT_EQ(error_of([&] { decode_tiff(header_only, {}); }),
            "invalid TIFF: TIFFReadDirectory: Failed to read directory at offset 8");
  const Bytes half(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  EXPECT_EQ(error_of([&] { decode_tiff(half, {}); }),
            "invalid TIFF: TIFFFillStrip: Read error on strip 53; got 2524 bytes, expected 7680");
  Bytes bad_ifd = good;
  bad_ifd[4] = 0xFF;
  bad_ifd[5] = 0xFF;
  bad_ifd[6] = 0xFF;
  bad_ifd[7] = 0x7F;
  EXPECT_EQ(error_of([&] { decode_tiff(bad_ifd, {}); }),
            "invalid TIFF: TIFFReadDirectory: Failed to read directory at offset 2147483647");
}

// ------------------------------------------------------------ JPEG, WebP

TEST(Jpeg, TruncationIsAnErrorWherePillowRaisesOne) {
  const Bytes good = photo("rocket.jpg");
  const Bytes half(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  EXPECT_EQ(error_of([&] { decode_jpeg(half, {}); }), "truncated JPEG data");
  const Bytes progressive = photo("rocket_progressive.jpg");
  const Bytes cut(progressive.begin(), progressive.end() - 2000);
  EXPECT_EQ(error_of([&] { decode_jpeg(cut, {}); }), "truncated JPEG data");
  const Bytes header(good.begin(), good.begin() + 40);
  EXPECT_EQ(error_of([&] { decode_jpeg(header, {}); }), "truncated JPEG data");
}

// libjpeg's entropy decoder reads ahead into where the EOI marker should be,
// so Pillow refuses a file that lacks only its last two bytes too.
TEST(Jpeg, MissingEndMarkerIsTruncatedAsInPillow) {
  const Bytes good = photo("rocket.jpg");
  const Bytes no_eoi(good.begin(), good.end() - 2);
  EXPECT_EQ(error_of([&] { decode_jpeg(no_eoi, {}); }), "truncated JPEG data");
}

TEST(Jpeg, GarbageIsAnErrorNotAnExit) {
  const Bytes garbage{0xFF, 0xD8, 0xFF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  EXPECT_EQ(error_of([&] { decode_jpeg(garbage, {}); }), "truncated JPEG data");
  const Bytes not_jpeg{'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(error_of([&] { decode_jpeg(not_jpeg, {}); }),
            "invalid JPEG: not a JPEG file: starts with 0x68 0x65");
}

TEST(Webp, DamagedFilesAreErrors) {
  const Bytes good = photo("coffee_lossless.webp");
  const Bytes half(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  EXPECT_EQ(error_of([&] { decode_webp(half, {}); }), "truncated WebP data");
  Bytes scrambled = good;
  for (std::size_t i = 30; i < 200; ++i) scrambled[i] = static_cast<std::uint8_t>(i * 37);
  EXPECT_EQ(error_of([&] { decode_webp(scrambled, {}); }), "invalid WebP bitstream");
  const Bytes header_only(good.begin(), good.begin() + 16);
  EXPECT_EQ(error_of([&] { decode_webp(header_only, {}); }), "truncated WebP data");
}

TEST(DecodeImage, EmptyAndUnknownInput) {
  EXPECT_EQ(error_of([] { decode_image(std::span<const std::uint8_t>{}); }), "empty file");
  const Bytes text{'h', 'e', 'l', 'l', 'o'};
  EXPECT_EQ(error_of([&] { decode_image(text); }), "not a supported image (unrecognised content)");
}

// Decoders run on many threads at once in the scorer; libtiff's error capture
// in particular must not mix messages between threads.
TEST(DecodeImage, ConcurrentDecodesGiveTheSameResults) {
  std::vector<Bytes> inputs;
  std::vector<std::uint64_t> expected;
  for (const char* name :
       {"rocket.tiff", "coffee.png", "chelsea.bmp", "rocket_420.jpg", "coffee_lossless.webp"}) {
    inputs.push_back(photo(name));
    expected.push_back(fnv1a(decode_image(inputs.back()).rgb));
  }
  const Bytes good_tiff = photo("rocket.tiff");
  const Bytes bad_tiff(good_tiff.begin(),
                       good_tiff.begin() + static_cast<std::ptrdiff_t>(good_tiff.size() / 3));
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          if (fnv1a(decode_image(inputs[i]).rgb) != expected[i]) ++failures[t];
          try {
            decode_image(bad_tiff);
            ++failures[t];
          } catch (const DecodeError& e) {
            if (std::string(e.what()).find("TIFF") == std::string::npos) ++failures[t];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace photoscore
