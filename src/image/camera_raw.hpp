#pragma once
// What the decoder and the header probe of camera RAWs share: LibRaw set up
// the same way, the same choice of pixels (so --list and the memory budget
// see the size that will be scored), and the same refusals.
#include <libraw/libraw.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

namespace photoscore {

// LibRaw's object is large (hundreds of KiB): on the heap, not a thread's stack.
std::unique_ptr<LibRaw> make_libraw();

// LibRaw's data source over bytes in memory, which remembers whether LibRaw
// asked for bytes past the end once watch() was called: a loader that does
// so is decoding sensor data that is not there, and LibRaw 0.20 goes on
// with whatever its buffers held (issue 22: the same truncated DNG scored
// differently run to run).
class TrackedBuffer : public LibRaw_buffer_datastream {
 public:
  explicit TrackedBuffer(std::span<const std::uint8_t> bytes)
      : LibRaw_buffer_datastream(const_cast<std::uint8_t*>(bytes.data()), bytes.size()) {}
  int read(void* ptr, size_t size, size_t count) override;
  int get_char() override;
  void watch() { watching_ = true; ran_out_ = false; }
  bool ran_out() const { return ran_out_; }

 private:
  bool watching_ = false;
  bool ran_out_ = false;
};

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

}  // namespace photoscore
