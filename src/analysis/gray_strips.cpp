#include "analysis/gray_strips.hpp"

#include <omp.h>

#include <algorithm>

namespace photoscore {

void gray_row(const RgbImage& image, int y, std::int32_t* out) {
  const std::uint8_t* px = image.row(y);
  const int w = image.width;
  std::int32_t* g = out + 1;
  for (int x = 0; x < w; ++x) {
    g[x] = 299 * px[3 * x] + 587 * px[3 * x + 1] + 114 * px[3 * x + 2];
  }
  out[0] = g[0];
  out[w + 1] = g[w - 1];
}

namespace {

void fill_strip(const RgbImage& image, int y0, int y1, std::vector<std::int32_t>& buffer, Strip& strip) {
  const int w = image.width;
  const int h = image.height;
  const std::ptrdiff_t stride = w + 2;
  const std::size_t need = static_cast<std::size_t>(stride) * static_cast<std::size_t>(y1 - y0 + 2);
  if (buffer.size() < need) buffer.resize(need);
  // Buffer row r holds image row y0 - 1 + r, mirrored at the top and bottom.
  for (int r = 0; r < y1 - y0 + 2; ++r) {
    const int y = std::clamp(y0 - 1 + r, 0, h - 1);
    gray_row(image, y, buffer.data() + r * stride);
  }
  strip.width = w;
  strip.height = h;
  strip.y0 = y0;
  strip.y1 = y1;
  strip.stride = stride;
  strip.gray = buffer.data() + stride + 1;
  strip.image = &image;
}

}  // namespace

void for_each_strip(const RgbImage& image, int threads, std::vector<std::vector<std::int32_t>>& buffers,
                    const std::function<void(const Strip&, int)>& visit) {
  const int h = image.height;
  const int strips = (h + kStripRows - 1) / kStripRows;
  threads = std::max(1, std::min(threads, strips));
  if (buffers.size() < static_cast<std::size_t>(threads)) buffers.resize(threads);
  if (threads == 1) {
    Strip strip;
    for (int s = 0; s < strips; ++s) {
      fill_strip(image, s * kStripRows, std::min(h, (s + 1) * kStripRows), buffers[0], strip);
      visit(strip, 0);
    }
    return;
  }
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads)
  for (int s = 0; s < strips; ++s) {
    const int slot = omp_get_thread_num();
    Strip strip;
    fill_strip(image, s * kStripRows, std::min(h, (s + 1) * kStripRows), buffers[slot], strip);
    visit(strip, slot);
  }
}

}  // namespace photoscore
