#pragma once
// What the decoder and the header probe of camera RAWs share: LibRaw set up
// the same way, the same choice of pixels (so --list and the memory budget
// see the size that will be scored), and the same refusals.
#include <libraw/libraw.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "image/probe.hpp"

namespace photoscore {

// LibRaw's object is large (hundreds of KiB): on the heap, not a thread's stack.
std::unique_ptr<LibRaw> make_libraw();

// LibRaw's data source over bytes in memory, which remembers whether LibRaw
// asked for bytes past the end once watch() was called: a loader that does
// so is decoding sensor data that is not there, and LibRaw 0.20 goes on
// with whatever its buffers held (the same truncated DNG scored differently
// run to run).
class TrackedBuffer : public LibRaw_buffer_datastream {
 public:
  explicit TrackedBuffer(std::span<const std::uint8_t> bytes)
      : LibRaw_buffer_datastream(const_cast<std::uint8_t*>(bytes.data()), bytes.size()) {}
  int read(void* ptr, size_t size, size_t count) override;
  int get_char() override;
  void watch() {
    watching_ = true;
    ran_out_ = false;
  }
  bool ran_out() const { return ran_out_; }

 private:
  bool watching_ = false;
  bool ran_out_ = false;
};

// One reading of a file's metadata by LibRaw. LibRaw 0.20's TIFF parser
// leaves parts of its own stack frame unwritten when a file's tags disagree
// with each other (a ColorMatrix of 8 values, a CFAPattern shorter than its
// repeat dimensions) and builds the color matrices and the CFA layout from
// them: from whatever the stack held, return addresses and canaries among
// it, which differ from process to process (valgrind traced every
// mutant that scored differently run to run to parse_tiff_ifd's stack). A
// reading is made over a stack painted with a fixed pattern, so stale bytes
// of earlier photos never enter it, and digested. A decoder helper's
// witness reads the photo again in another process over another pattern
// (decoder_helpers.cpp): where the two digests differ, LibRaw took its
// metadata from the stack, not from the file, and the photo is refused;
// every run alike, since both the patterns and another process's stale
// addresses make them differ every time.
inline constexpr unsigned char kReadingPattern = 0x5a;
inline constexpr unsigned char kWitnessPattern = 0xa5;
struct RawReading {
  int rc = LIBRAW_UNSPECIFIED_ERROR;  // open's
  bool raw = false;                   // opened, with sensor data
  std::uint64_t digest = 0;           // of everything unpacking and demosaicing take from it
};

// Opens `raw` on `stream` over a painted stack; the reading is also this
// thread's last (last_raw_reading).
RawReading read_raw(LibRaw& raw, TrackedBuffer& stream, unsigned char pattern = kReadingPattern);
// The last reading this thread made (read_raw), and whether it disagreed
// with the reading before it of the same photo (as far as the photo's size
// tells: is_camera_raw's and decode_raw's of one decode) since
// clear_raw_readings().
RawReading last_raw_reading();
bool raw_readings_disagree();
void clear_raw_readings();

// Reads n bytes at `offset` of the file into `out`; false when they are not there.
using ReadAt = std::function<bool(std::uint64_t offset, std::size_t n, std::uint8_t* out)>;

// The frame size (SOF) of the JPEG at `offset`, at most `length` bytes:
// what decoding it will produce, whatever the tags around it say. False
// when there is no JPEG there or it has no frame header.
bool jpeg_frame_size(const ReadAt& read, std::uint64_t offset, std::uint64_t length, int& width, int& height);

struct RawPlan {
  bool use_preview = false;  // the embedded JPEG preview, else a demosaic
  int width = 0;             // of what will be scored
  int height = 0;
  // What LibRaw and the JPEG decoder hold at their peak besides that
  // (memory estimates, decoder_helpers.hpp).
  std::uint64_t decoder_bytes = 0;
};

// After open_*: a JPEG preview holding at least a quarter of the sensor's
// pixels is what a photographer culls from (culling tools show it), and
// decoding it costs a fraction of a demosaic; a smaller one is a thumbnail.
// The preview's size is its JPEG frame's, read through `read`: its TIFF
// tags may say 64x64 over a 16000x16000 JPEG.
RawPlan plan_raw(LibRaw& raw, const ReadAt& read);

// Throws DecodeError for a layout LibRaw would take too long over (a
// million tiny tiles): refused in a moment, not after seconds.
void check_raw_layout(LibRaw& raw);

// The camera RAW codec's header probe (codec.hpp), which the TIFF codec's
// probe tries first: false when LibRaw does not take the file.
struct ProbeSource;
bool probe_camera_raw(const ProbeSource& source, ImageProbe& probe);

}  // namespace photoscore
