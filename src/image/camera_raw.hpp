#pragma once
// What the decoder and the header probe of camera RAWs share: LibRaw set up
// the same way, and the same choice of pixels, so --list reports the size
// that will be scored.
#include <libraw/libraw.h>

#include <memory>

namespace photoscore {

// LibRaw's object is large (hundreds of KiB): on the heap, not a thread's stack.
std::unique_ptr<LibRaw> make_libraw();

struct RawPlan {
  bool use_preview = false;  // the embedded JPEG preview, else a demosaic
  int width = 0;             // of what will be scored
  int height = 0;
};

// After open_*: a (JPEG) preview holding at least a quarter of the sensor's
// pixels is what a photographer culls from (culling tools show it), and
// decoding it costs a fraction of a demosaic; a smaller one is a thumbnail.
RawPlan plan_raw(const LibRaw& raw);

}  // namespace photoscore
