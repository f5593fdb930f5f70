// Decoders that cannot take the process down: decoder helper processes (the photoscore
// binary itself) against decoding in process, a helper that hangs, one that
// crashes mid-photo and a run that stops. tests/e2e/decoder_isolation.sh runs
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
  // The next photo gets a fresh helper: with the usual deadline, since a
  // fresh helper's start (an exec, slow under a sanitizer on a loaded
  // machine) must not be what this test times.
  for (pid_t pid : helper_pids()) ::kill(pid, SIGCONT);
  settings_.seconds = 30;
  configure_decoder_helpers(settings_);
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
