#pragma once
// What a decoder helper and its parent exchange (decoder_helpers.hpp): one
// request and one reply per photo, each a single SOCK_SEQPACKET message of
// fixed layout (a probe's path follows its request), and the bytes of the
// photo and its pixels in a shared memory file. Both ends are the same
// binary, so plain structs suffice.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace photoscore::helper {

// The descriptors a helper finds open: its end of the socket and the shared file.
inline constexpr int kSocketFd = 3;
inline constexpr int kSharedFd = 4;

// The shared file: a control block per helper, then from kDataOffset the
// photo's bytes (request) and, after them at output_offset(), its RGB pixels
// (reply), which decoders write there directly (RgbImage::place).
inline constexpr std::size_t kDataOffset = 4096;
inline constexpr std::uint64_t output_offset(std::uint64_t input_bytes) {
  return kDataOffset + ((input_bytes + 4095) & ~std::uint64_t{4095});
}

// One per helper process of a thread (decoder, witness), at slot * kControlBytes.
inline constexpr std::size_t kControlBytes = 256;
struct Control {
  // The format the helper is working on, so a crash can be told ("in
  // camera RAW"): an ImageFormat, set before each library is entered.
  std::atomic<std::uint32_t> stage;
  // Set by the helper's terminate handler when what escaped was bad_alloc
  // (a decoding thread of libheif's that ran out of address space).
  std::atomic<std::uint32_t> out_of_memory;
};
static_assert(sizeof(Control) <= kControlBytes && 2 * kControlBytes <= kDataOffset);

// Decode and Probe as they say; Reading only opens the photo with LibRaw
// and digests what it read (camera_raw.hpp), for comparison with the
// decoder's own reading.
enum class Kind : std::uint32_t { Decode = 1, Probe = 2, Reading = 3 };

struct Request {
  Kind kind = Kind::Decode;
  std::uint32_t threads = 1;      // OpenMP threads and libheif tile threads
  std::uint32_t slot = 0;         // this helper's Control
  std::uint64_t input_bytes = 0;  // Decode: the photo's bytes at kDataOffset
  std::uint64_t max_pixels = 0;
  std::uint64_t max_file_bytes = 0;
  std::uint64_t memory_bytes = 0;  // address space the decode may add; 0: no limit
  std::uint64_t cpu_seconds = 0;   // CPU time the decode may take; 0: no limit
  // Probe: the path follows, path_bytes of it.
  std::uint32_t path_bytes = 0;
};

enum class Status : std::uint32_t { Ok = 0, Error = 1, OutOfMemory = 2 };

struct Reply {
  Status status = Status::Ok;
  std::uint32_t format = 0;  // ImageFormat of what was decoded or probed
  std::int32_t width = 0;
  std::int32_t height = 0;
  std::uint64_t output_bytes = 0;   // Decode: RGB at output_offset(input_bytes)
  std::uint64_t file_bytes = 0;     // Probe
  std::uint64_t decoder_bytes = 0;  // Probe
  std::uint8_t raw_preview = 0;     // Probe
  // Decode and Reading: LibRaw's last reading of the photo (RawReading),
  // if it was opened with LibRaw at all, and whether two readings differed.
  std::uint8_t raw_read = 0;
  std::uint8_t raw_disagree = 0;
  std::uint64_t raw_digest = 0;
  double cpu_seconds = 0.0;  // the helper's own, so far (user and system)
  char source[32] = {};      // RgbImage::source
  char capture_time[40] = {};  // RgbImage::capture_time, read where the photo was decoded
  char message[400] = {};    // Error: the one-line reason
};

}  // namespace photoscore::helper
