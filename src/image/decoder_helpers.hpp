#pragma once
// Decoders that cannot take the process down. LibRaw 0.20 and libheif
// 1.15, as Debian ships them, crash, overflow their stack or hang on a few
// flipped bits; photoscore cannot patch them, so it runs them in helper
// processes instead: camera RAW, HEIF and TIFF (a TIFF signature needs
// LibRaw to tell a camera RAW from a plain TIFF, and libtiff has the
// longest CVE list of the rest), the codecs marked `isolated` in the format
// table (codec.hpp). The other formats stay in process: their libraries
// and photoscore's own BMP reader are fuzzed continuously upstream and here
// (scripts/fuzz.sh), no mutant run ever crashed them, and JPEG is scored
// strip by strip as it decodes, which a helper could not do without a copy.
//
// A helper is the photoscore binary itself (/proc/self/exe, so the build
// tree, an installed tree and every rank under mpirun start the very
// program they are, with no path to look up), started with posix_spawn
// (never fork in an MPI rank) and kDecoderHelperArg. Each decoding thread
// keeps its own helper from photo to photo; the photo's bytes go over and
// its pixels come back through one shared memory file (memfd) per helper,
// requests and replies over a socket. Each decode runs under an address
// space limit (RLIMIT_AS) from the memory budget, a CPU time limit and a
// wall-clock deadline the caller enforces. A helper that crashes, runs out
// of memory or time becomes that photo's DecodeError ("decoder crashed:
// SIGSEGV in camera RAW") and the next photo starts a fresh one.
#include <cstdint>
#include <span>
#include <string>

#include "image/decode.hpp"
#include "image/probe.hpp"
#include "image/rgb_image.hpp"

namespace photoscore {

// The first argument that makes the photoscore binary a decoder helper.
inline constexpr const char* kDecoderHelperArg = "--internal-decoder-helper";

// The reason given for a photo whose decode was abandoned because the run
// is stopping (SIGTERM): not a verdict on the photo, so never written as a
// row (the ordered writer stops at it).
inline constexpr const char* kDecodeStopped = "decoding stopped: the run was interrupted";

struct DecoderHelperSettings {
  bool enabled = false;  // off: every format decodes in this process
  // The program started as a helper ("": /proc/self/exe) with
  // kDecoderHelperArg; tests name the photoscore binary.
  std::string program;
  double seconds = 60.0;  // wall-clock deadline per photo
  // Address space one decode may add beyond what its helper holds already,
  // unless DecodeLimits::decoder_memory says otherwise; 0: none beyond
  // ulimit -v.
  std::uint64_t memory_bytes = 0;
  // Looked at while a decode is waited for: once it says the run is
  // stopping, a decode still running after a short grace is abandoned
  // (kDecodeStopped). May be null.
  bool (*stopping)() = nullptr;
};

// Set once, before any decoding thread starts.
void configure_decoder_helpers(DecoderHelperSettings settings);
const DecoderHelperSettings& decoder_helper_settings();

// Whether a photo whose signature is `signature` (detect_signature) is
// decoded in a helper when isolation is on.
bool decoded_in_helper(ImageFormat signature);

// This thread's helper decodes `bytes` into `image`; throws DecodeError
// with the decoder's reason, or the helper's fate.
void decode_in_helper(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image);

// This thread's helper probes the file at `path`, whose signature is
// `signature` (probe_image). A helper that dies probing gives !ok and the
// reason.
ImageProbe probe_in_helper(const std::string& path, ImageFormat signature, const DecodeLimits& limits);

// CPU seconds this thread's helpers reported using so far (benchmarks).
double decoder_helpers_cpu_seconds();

// Ends this thread's helper now (tests; a thread's helper otherwise ends
// with the thread or the process).
void end_decoder_helper();

// The helper's side: answers requests until the parent closes the socket.
// `argv` as main got it, argv[1] being kDecoderHelperArg.
int run_decoder_helper(int argc, char** argv);

}  // namespace photoscore
