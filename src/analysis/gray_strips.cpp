#include "analysis/gray_strips.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "analysis/avx2_dispatch.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace photoscore {

namespace {

void gray_span_portable(const std::uint8_t* px, int n, std::int32_t* g) {
  for (int x = 0; x < n; ++x) g[x] = 299 * px[3 * x] + 587 * px[3 * x + 1] + 114 * px[3 * x + 2];
}

#if defined(__x86_64__)
// Eight pixels at a time: each 128-bit lane takes four pixels (12 bytes),
// one byte shuffle spreads R and G into 16-bit pairs for one multiply-add
// with (299, 587), another puts B in 32-bit lanes for a multiply-add with
// (114, 0). Exact: every product and sum fits 32 bits, as in the scalar loop.
[[gnu::target("avx2")]] void gray_span_avx2(const std::uint8_t* px, int n, std::int32_t* g) {
  const __m256i rg_shuffle = _mm256_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1,  //
                                              0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const __m256i b_shuffle = _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1,  //
                                             2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m256i rg_weights = _mm256_set1_epi32((587 << 16) | 299);
  const __m256i b_weight = _mm256_set1_epi32(114);
  int x = 0;
  // The upper lane's 16-byte load reaches 4 bytes past pixel x + 7.
  for (; x + 10 <= n; x += 8) {
    const std::uint8_t* p = px + 3 * x;
    const __m256i raw = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 12)), 1);
    const __m256i rg = _mm256_madd_epi16(_mm256_shuffle_epi8(raw, rg_shuffle), rg_weights);
    const __m256i b = _mm256_madd_epi16(_mm256_shuffle_epi8(raw, b_shuffle), b_weight);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(g + x), _mm256_add_epi32(rg, b));
  }
  gray_span_portable(px + 3 * x, n - x, g + x);
}
#endif

void gray_span(const std::uint8_t* px, int n, std::int32_t* g) {
  avx2_or_portable<gray_span_portable, PHOTOSCORE_AVX2(gray_span_avx2)>(px, n, g);
}

}  // namespace

bool use_avx2() {
  static const bool avx2 = [] {
#if defined(__x86_64__)
    // Called before main possibly, so the CPU model is read explicitly.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && !std::getenv("PHOTOSCORE_NO_AVX2");
#else
    return false;
#endif
  }();
  return avx2;
}

int strip_rows(int width) {
  const std::size_t row_bytes = sizeof(std::int32_t) * (static_cast<std::size_t>(width) + 2);
  return static_cast<int>(std::clamp<std::size_t>(kStripBytes / row_bytes, 2, 64));
}

void gray_row(const RgbImage& image, int y, std::int32_t* out) {
  const int w = image.width;
  std::int32_t* g = out + 1;
  gray_span(image.row(y), w, g);
  out[0] = g[0];
  out[w + 1] = g[w - 1];
}

void StripWalker::start(const RgbImage& image, int y0, int y1, bool gray, std::vector<std::int32_t>& buffer,
                        int slot) {
  image_ = &image;
  next_ = y0;
  end_ = y1;
  rows_ = strip_rows(image.width);
  converted_ = 0;
  slot_ = slot;
  buffer_ = gray ? &buffer : nullptr;
  const std::ptrdiff_t stride = image.width + 2;
  strip_ = Strip{};
  strip_.width = image.width;
  strip_.height = image.height;
  strip_.stride = stride;
  strip_.image = &image;
  if (gray) {
    const std::size_t need = static_cast<std::size_t>(stride) * static_cast<std::size_t>(rows_ + 2);
    if (buffer.size() < need) buffer.resize(need);
    strip_.gray = buffer.data() + stride + 1;
  }
}

void StripWalker::advance(int rows_done, const std::function<void(const Strip&, int)>& visit) {
  const int h = image_->height;
  const std::ptrdiff_t stride = strip_.stride;
  while (next_ < end_) {
    const int y0 = next_;
    const int y1 = std::min(end_, y0 + rows_);
    // A strip reads the row below its last (mirrored at the bottom edge).
    if (rows_done < std::min(y1 + 1, h)) return;
    // Buffer row r holds photo row y0 - 1 + r, mirrored at the top and bottom.
    if (buffer_) {
      std::int32_t* buf = buffer_->data();
      for (int r = converted_; r < y1 - y0 + 2; ++r) gray_row(*image_, std::clamp(y0 - 1 + r, 0, h - 1), buf + r * stride);
    }
    strip_.y0 = y0;
    strip_.y1 = y1;
    visit(strip_, slot_);
    // The two rows this strip shares with the next (its last row and the one
    // below) move to the top of the buffer instead of being converted again.
    if (buffer_) {
      std::int32_t* buf = buffer_->data();
      std::memmove(buf, buf + (y1 - y0) * stride, sizeof(std::int32_t) * static_cast<std::size_t>(2 * stride));
      converted_ = 2;
    }
    next_ = y1;
  }
}

void for_each_strip(const RgbImage& image, int threads, std::vector<std::vector<std::int32_t>>& buffers,
                    const std::function<void(const Strip&, int)>& visit, bool gray) {
  const int h = image.height;
  const int rows = strip_rows(image.width);
  const int strips = (h + rows - 1) / rows;
  threads = std::max(1, std::min(threads, strips));
  if (buffers.size() < static_cast<std::size_t>(threads)) buffers.resize(static_cast<std::size_t>(threads));
  if (threads == 1) {
    StripWalker walker;
    walker.start(image, 0, h, gray, buffers[0], 0);
    walker.advance(h, visit);
    return;
  }
  // Bands of whole strips, a few per thread so uneven strips even out; each
  // band pays for its first two rows twice, a small price next to its rows.
  const int bands = std::min(strips, 4 * threads);
  const int band_strips = (strips + bands - 1) / bands;
  const int band_rows = band_strips * rows;
  const int count = (h + band_rows - 1) / band_rows;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int b = 0; b < count; ++b) {
    const int slot = omp_get_thread_num();
    StripWalker walker;
    walker.start(image, b * band_rows, std::min(h, (b + 1) * band_rows), gray, buffers[static_cast<std::size_t>(slot)],
                 slot);
    walker.advance(h, visit);
  }
}

}  // namespace photoscore
