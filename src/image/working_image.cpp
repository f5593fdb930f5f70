#include "image/working_image.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

namespace photoscore {

namespace {

// 1000 times the reference's 0..255 gray level, as the analyzers use.
inline std::int32_t gray_of(const std::uint8_t* p) { return 299 * p[0] + 587 * p[1] + 114 * p[2]; }

}  // namespace

int working_factor(long long long_side) {
  int factor = 1;
  while (long_side / (2LL * factor) >= kWorkingMinLongSide) factor *= 2;
  return factor;
}

void box_downscale(const RgbImage& in, int factor, RgbImage& out) {
  const int w = (in.width + factor - 1) / factor;
  const int h = (in.height + factor - 1) / factor;
  out.width = w;
  out.height = h;
  out.rgb.resize(static_cast<std::size_t>(3) * w * h);
  // Column sums of up to `factor` rows, per channel: at most 255 * factor,
  // then at most 255 * factor^2 per box, far inside 32 bits.
  std::vector<std::uint32_t> col(static_cast<std::size_t>(3) * in.width);
  for (int y = 0; y < h; ++y) {
    const int y0 = y * factor, y1 = std::min(in.height, y0 + factor);
    std::fill(col.begin(), col.end(), 0u);
    for (int r = y0; r < y1; ++r) {
      const std::uint8_t* p = in.row(r);
      for (std::size_t i = 0; i < col.size(); ++i) col[i] += p[i];
    }
    std::uint8_t* dst = out.rgb.data() + static_cast<std::size_t>(3) * w * y;
    for (int x = 0; x < w; ++x) {
      const int x0 = x * factor, x1 = std::min(in.width, x0 + factor);
      const std::uint32_t n = static_cast<std::uint32_t>((x1 - x0) * (y1 - y0));
      for (int c = 0; c < 3; ++c) {
        std::uint32_t sum = 0;
        for (int i = x0; i < x1; ++i) sum += col[3 * static_cast<std::size_t>(i) + c];
        dst[3 * x + c] = static_cast<std::uint8_t>((sum + n / 2) / n);
      }
    }
  }
}

double jpeg_blocking(std::int64_t on, std::int64_t n_on, std::int64_t off, std::int64_t n_off, int period) {
  if (period < 2 || n_on == 0 || n_off == 0) return 0.0;
  // Two gray levels added to both means: on smooth areas (sky, bokeh) the
  // steps are fractions of a level and their ratio would be noise.
  constexpr double kFloor = 2.0 * 1000;
  const double ratio = (static_cast<double>(on) / static_cast<double>(n_on) + kFloor) /
                       (static_cast<double>(off) / static_cast<double>(n_off) + kFloor);
  const double scale = 8.0 / period;
  return std::max(0.0, ratio - 1.0) * scale * scale;
}

double jpeg_blocking(const RgbImage& decoded, int period) {
  if (period < 2 || decoded.width < 2 * period || decoded.height < 2 * period) return 0.0;
  const int w = decoded.width;
  std::vector<std::int32_t> above(static_cast<std::size_t>(w)), here(static_cast<std::size_t>(w));
  std::int64_t on = 0, off = 0, n_on = 0, n_off = 0;
  for (int y = 0; y < decoded.height; ++y) {
    const std::uint8_t* p = decoded.row(y);
    for (int x = 0; x < w; ++x) here[x] = gray_of(p + 3 * x);
    for (int x = 0; x + 1 < w; ++x) {
      const std::int64_t step = std::abs(here[x + 1] - here[x]);
      ((x + 1) % period == 0 ? on : off) += step;
      ++((x + 1) % period == 0 ? n_on : n_off);
    }
    if (y > 0) {
      std::int64_t sum = 0;
      for (int x = 0; x < w; ++x) sum += std::abs(here[x] - above[x]);
      (y % period == 0 ? on : off) += sum;
      (y % period == 0 ? n_on : n_off) += w;
    }
    std::swap(above, here);
  }
  return jpeg_blocking(on, n_on, off, n_off, period);
}

void decode_working_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& out,
                          const RowsDone* rows_done) {
  out.scaled = {};
  out.shared = nullptr;
  if (detect_signature(bytes) == ImageFormat::Jpeg) {
    DecodeLimits scaled = limits;
    scaled.jpeg_min_long_side = kWorkingMinLongSide;
    // Straight into `out`, scored as it comes whenever the DCT scaling alone
    // reaches the working range (all but JPEGs over 8 x 1536 pixels, whose
    // size is known once the header is read, before any row).
    bool streaming = false;
    const RowsDone gate = [&](int rows) {
      if (rows == 0) streaming = rows_done && working_factor(std::max(out.width, out.height)) == 1;
      if (streaming) (*rows_done)(rows);
    };
    decode_image_into(bytes, scaled, out, &gate);
    const int more = working_factor(std::max(out.width, out.height));
    if (more > 1) {
      thread_local RgbImage reduced;
      box_downscale(out, more, reduced);
      std::swap(out.width, reduced.width);
      std::swap(out.height, reduced.height);
      std::swap(out.rgb, reduced.rgb);
      out.shared = nullptr;  // the decode may have gone where out.place said: the reduction is in rgb
      out.scaled.factor *= more;
    }
    return;
  }
  // Other formats decode at full size into a buffer kept per thread from
  // photo to photo like the scorer's own (a fresh one costs page faults); a
  // camera RAW's embedded JPEG preview too, so that its own size is known.
  thread_local RgbImage full;
  decode_image_into(bytes, limits, full);
  const int source_width = full.width, source_height = full.height;
  const int factor = working_factor(std::max(source_width, source_height));
  if (factor > 1) {
    box_downscale(full, factor, out);
  } else if (full.shared) {
    // Pixels a decoder helper left in its shared memory, read there
    // (DecodeLimits::borrow_helper_pixels).
    out.width = full.width;
    out.height = full.height;
    out.shared = full.shared;
  } else {
    std::swap(out.width, full.width);
    std::swap(out.height, full.height);
    std::swap(out.rgb, full.rgb);
  }
  out.source = full.source;
  out.capture_time = full.capture_time;
  out.scaled.source_width = source_width;
  out.scaled.source_height = source_height;
  out.scaled.factor = factor;
}

}  // namespace photoscore
