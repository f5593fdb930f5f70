#include "image/working_image.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace photoscore {

namespace {

// 1000 times the reference's 0..255 gray level, as the analyzers use.
inline std::int32_t gray_of(const std::uint8_t* p) { return 299 * p[0] + 587 * p[1] + 114 * p[2]; }

// The input ranges and overlap weights of an area resampling of n samples to
// m <= n: output i covers [i*n, (i+1)*n) in units of 1/m input pixel, input
// j covers [j*m, (j+1)*m); the weights of one output sum to n.
struct Taps {
  std::vector<int> first;   // first input of each output
  std::vector<int> offset;  // where its weights start in `weight`; size m + 1
  std::vector<std::int32_t> weight;

  Taps(int n, int m) {
    for (int i = 0; i < m; ++i) {
      const long long lo = static_cast<long long>(i) * n;
      const long long hi = lo + n;
      const int j0 = static_cast<int>(lo / m);
      const int j1 = static_cast<int>((hi + m - 1) / m);
      first.push_back(j0);
      offset.push_back(static_cast<int>(weight.size()));
      for (int j = j0; j < j1; ++j) {
        const long long a = std::max(lo, static_cast<long long>(j) * m);
        const long long b = std::min(hi, static_cast<long long>(j + 1) * m);
        weight.push_back(static_cast<std::int32_t>(b - a));
      }
    }
    offset.push_back(static_cast<int>(weight.size()));
  }
  int taps(int i) const { return offset[i + 1] - offset[i]; }
};

}  // namespace

void area_downscale(const RgbImage& in, int out_width, int out_height, RgbImage& out) {
  const Taps tx(in.width, out_width);
  const Taps ty(in.height, out_height);
  out.width = out_width;
  out.height = out_height;
  out.rgb.resize(static_cast<std::size_t>(3) * out_width * out_height);
  // One input row resampled across: sums of weight * value, at most
  // 255 * in.width per channel, well inside 32 bits for any decodable width.
  std::vector<std::int32_t> hrow(static_cast<std::size_t>(3) * out_width);
  std::vector<std::int64_t> acc(static_cast<std::size_t>(3) * out_width);
  const std::int64_t den = static_cast<std::int64_t>(in.width) * in.height;
  for (int i = 0; i < out_height; ++i) {
    std::fill(acc.begin(), acc.end(), 0);
    for (int k = 0; k < ty.taps(i); ++k) {
      const std::uint8_t* src = in.row(ty.first[i] + k);
      for (int x = 0; x < out_width; ++x) {
        std::int32_t r = 0, g = 0, b = 0;
        const std::uint8_t* p = src + 3 * tx.first[x];
        for (int t = tx.offset[x]; t < tx.offset[x + 1]; ++t, p += 3) {
          r += tx.weight[t] * p[0];
          g += tx.weight[t] * p[1];
          b += tx.weight[t] * p[2];
        }
        hrow[3 * x] = r;
        hrow[3 * x + 1] = g;
        hrow[3 * x + 2] = b;
      }
      const std::int64_t wy = ty.weight[ty.offset[i] + k];
      for (std::size_t c = 0; c < acc.size(); ++c) acc[c] += wy * hrow[c];
    }
    std::uint8_t* dst = out.rgb.data() + static_cast<std::size_t>(3) * out_width * i;
    for (std::size_t c = 0; c < acc.size(); ++c) dst[c] = static_cast<std::uint8_t>((acc[c] + den / 2) / den);
  }
}

double jpeg_blocking(const RgbImage& decoded, int period) {
  if (period < 2 || decoded.width < 2 * period || decoded.height < 2 * period) return 0.0;
  const int w = decoded.width;
  std::vector<std::int32_t> above(static_cast<std::size_t>(w)), here(static_cast<std::size_t>(w));
  // Exact integer sums of |step| on and off the grid, across and down.
  std::int64_t on = 0, off = 0, n_on = 0, n_off = 0;
  for (int y = 0; y < decoded.height; ++y) {
    const std::uint8_t* p = decoded.row(y);
    for (int x = 0; x < w; ++x) here[x] = gray_of(p + 3 * x);
    for (int x = 0; x + 1 < w; ++x) {
      const std::int64_t step = std::abs(here[x + 1] - here[x]);
      if ((x + 1) % period == 0) {
        on += step;
        ++n_on;
      } else {
        off += step;
        ++n_off;
      }
    }
    if (y > 0) {
      const bool grid = y % period == 0;
      std::int64_t sum = 0;
      for (int x = 0; x < w; ++x) sum += std::abs(here[x] - above[x]);
      (grid ? on : off) += sum;
      (grid ? n_on : n_off) += w;
    }
    std::swap(above, here);
  }
  if (n_off == 0 || n_on == 0) return 0.0;
  // Two gray levels added to both means: on smooth areas (sky, bokeh) the
  // steps are fractions of a level and their ratio would be noise.
  constexpr double kFloor = 2.0 * 1000;
  const double ratio = (static_cast<double>(on) / static_cast<double>(n_on) + kFloor) /
                       (static_cast<double>(off) / static_cast<double>(n_off) + kFloor);
  const double scale = 8.0 / period;
  return std::max(0.0, ratio - 1.0) * scale * scale;
}

void decode_working_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& out) {
  // The full- or DCT-scaled decode, kept per thread from photo to photo like
  // the scorer's own buffer (a fresh one per photo costs page faults).
  thread_local RgbImage decoded;
  DecodeLimits scaled = limits;
  scaled.jpeg_min_long_side = kWorkingLongSide;
  decoded.scaled = {};
  decode_image_into(bytes, scaled, decoded);
  const bool dct_scaled = decoded.scaled.source_width > 0;
  const int source_width = dct_scaled ? decoded.scaled.source_width : decoded.width;
  const int source_height = dct_scaled ? decoded.scaled.source_height : decoded.height;
  // A JPEG block spans 8/denom decoded pixels; other formats are taken at
  // full size, where a block (of an earlier JPEG life) spans 8.
  const int period =
      dct_scaled ? 8 / jpeg_scale_denom(std::max(source_width, source_height), kWorkingLongSide) : 8;
  const double blocking = jpeg_blocking(decoded, period);
  const int long_side = std::max(decoded.width, decoded.height);
  if (long_side > kWorkingLongSide) {
    const auto fit = [&](int side) {
      const long long v = (static_cast<long long>(side) * kWorkingLongSide + long_side / 2) / long_side;
      return static_cast<int>(std::max(1LL, v));
    };
    area_downscale(decoded, fit(decoded.width), fit(decoded.height), out);
  } else {
    out.width = decoded.width;
    out.height = decoded.height;
    out.rgb.assign(decoded.rgb.begin(), decoded.rgb.end());
  }
  out.scaled.source_width = source_width;
  out.scaled.source_height = source_height;
  out.scaled.blocking = blocking;
}

}  // namespace photoscore
