#pragma once
// The shared front of every analyzer: the photo's scaled gray levels, made
// strip by strip into a small padded buffer that stays in cache while each
// analyzer sweeps it. The whole gray image never exists in memory.
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

// A strip's gray buffer is sized to sit in a core's L2 cache together with
// the RGB rows it is made from and what the analyzers write (composition's
// keys), so every analyzer's sweep reads it from cache, not memory.
inline constexpr std::size_t kStripBytes = 96 * 1024;

// Rows per strip for a photo of this width: at least 2, at most 64.
int strip_rows(int width);

// Fills `out` (width + 2 elements) with row y's scaled gray levels at
// out[1..width] and the mirrored edges at out[0] and out[width + 1].
void gray_row(const RgbImage& image, int y, std::int32_t* out);

// Makes the strips of rows [y0, y1) of a photo one after another, as far as
// the rows decoded so far allow: a photo can be scored while it is decoded,
// each strip while its RGB rows are still in cache.
class StripWalker {
 public:
  // `buffer` holds the padded gray strip (unused without `gray`) and is
  // reused; visit() is called with `slot`.
  void start(const RgbImage& image, int y0, int y1, bool gray, std::vector<std::int32_t>& buffer, int slot);
  // Visits every strip not yet visited whose rows, and the row below it, are
  // among the photo's first `rows_done` rows (all of them: the photo's height).
  void advance(int rows_done, const std::function<void(const Strip&, int)>& visit);

 private:
  const RgbImage* image_ = nullptr;
  std::vector<std::int32_t>* buffer_ = nullptr;
  Strip strip_;
  int next_ = 0, end_ = 0, rows_ = 0, slot_ = 0;
  int converted_ = 0;  // leading buffer rows that already hold the next strip's gray
};

// Calls visit(strip, slot) for every strip of the photo, on up to `threads`
// OpenMP threads; slot is the calling thread's number in [0, threads).
// `buffers` holds one padded strip buffer per thread and is reused. With
// `gray` false the strips carry no gray levels (Strip::gray is null): for
// analyzers that read only the RGB rows.
void for_each_strip(const RgbImage& image, int threads, std::vector<std::vector<std::int32_t>>& buffers,
                    const std::function<void(const Strip&, int)>& visit, bool gray = true);

}  // namespace photoscore
