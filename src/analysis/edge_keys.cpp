#include "analysis/edge_keys.hpp"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "analysis/avx2_dispatch.hpp"

namespace photoscore {

namespace {

// The key of gx^2 + gy^2: its double's exponent and top mantissa bits, so
// keys are monotone in the magnitude. The double is exact (each square is
// below 2^40), and the arithmetic vectorizes, unlike a 64-bit integer's.
[[gnu::always_inline]] inline std::uint16_t magnitude_key(std::int32_t gx, std::int32_t gy) {
  const double e2 = static_cast<double>(gx) * gx + static_cast<double>(gy) * gy;
  std::uint64_t bits;
  std::memcpy(&bits, &e2, sizeof bits);
  // 0 has all bits 0, and so lands below every other magnitude: key 0.
  const auto top =
      static_cast<std::int32_t>(bits >> (52 - kEdgeKeyMantissaBits)) - ((1023 << kEdgeKeyMantissaBits) - 1);
  return static_cast<std::uint16_t>(top < 0 ? 0 : top);
}

[[gnu::always_inline]] inline void row_keys(const std::int32_t* up, const std::int32_t* mid,
                                            const std::int32_t* down, int width, std::uint16_t* key) {
  for (int x = 0; x < width; ++x) {
    // |gx|, |gy| <= 4 * kGrayMax: 32 bits suffice.
    const std::int32_t gx =
        (up[x + 1] - up[x - 1]) + 2 * (mid[x + 1] - mid[x - 1]) + (down[x + 1] - down[x - 1]);
    const std::int32_t gy = (down[x - 1] + 2 * down[x] + down[x + 1]) - (up[x - 1] + 2 * up[x] + up[x + 1]);
    key[x] = magnitude_key(gx, gy);
  }
}

[[gnu::always_inline]] inline void count_keys(const std::uint16_t* key, int width, std::uint32_t* hist) {
  int x = 0;
  for (; x + kEdgeKeyCopies <= width; x += kEdgeKeyCopies) {
    ++hist[kEdgeKeyCopies * key[x]];
    ++hist[kEdgeKeyCopies * key[x + 1] + 1];
    ++hist[kEdgeKeyCopies * key[x + 2] + 2];
    ++hist[kEdgeKeyCopies * key[x + 3] + 3];
  }
  for (; x < width; ++x) ++hist[kEdgeKeyCopies * key[x]];
}

// Keys and histogram row by row, so a row's keys are counted while in L1.
[[gnu::always_inline]] inline void strip_keys(const Strip& s, std::uint16_t* keys, std::uint32_t* hist) {
  for (int y = s.y0; y < s.y1; ++y) {
    std::uint16_t* key = keys + static_cast<std::size_t>(y) * static_cast<std::size_t>(s.width);
    row_keys(s.gray_row(y - 1), s.gray_row(y), s.gray_row(y + 1), s.width, key);
    count_keys(key, s.width, hist);
  }
}

#if defined(__x86_64__)
[[gnu::target("avx2")]] inline __m256i load8(const std::int32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// Keys of eight pixels in 32-bit lanes (negative for magnitude 0, which the
// caller's unsigned saturating pack turns into key 0), computed in floats,
// which take half the conversions and multiplies of doubles. A float keeps
// only 24 bits of gx^2 + gy^2, but its rounding moves it by at most 2 ulps
// (two squares and a sum, each within half an ulp), and a key changes only
// where the low 16 mantissa bits wrap: so the float's key is exact unless
// those bits are within 4 of wrapping, or the float is below 2^24, where
// squares and sum are all exact integers. Lanes with neither are rare
// (about 1 in 8000) and their group of eight is redone in doubles.
[[gnu::target("avx2")]] inline __m256i keys8(const std::int32_t* up, const std::int32_t* mid,
                                             const std::int32_t* down) {
  const __m256i ul = load8(up - 1), uc = load8(up), ur = load8(up + 1);
  const __m256i ml = load8(mid - 1), mr = load8(mid + 1);
  const __m256i dl = load8(down - 1), dc = load8(down), dr = load8(down + 1);
  const __m256i gx = _mm256_add_epi32(_mm256_add_epi32(_mm256_sub_epi32(ur, ul), _mm256_sub_epi32(dr, dl)),
                                      _mm256_slli_epi32(_mm256_sub_epi32(mr, ml), 1));
  const __m256i gy = _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(dl, dr), _mm256_slli_epi32(dc, 1)),
                                      _mm256_add_epi32(_mm256_add_epi32(ul, ur), _mm256_slli_epi32(uc, 1)));
  const __m256 fx = _mm256_cvtepi32_ps(gx);
  const __m256 fy = _mm256_cvtepi32_ps(gy);
  const __m256 f = _mm256_add_ps(_mm256_mul_ps(fx, fx), _mm256_mul_ps(fy, fy));
  const __m256i bits = _mm256_castps_si256(f);
  const __m256i wrap =
      _mm256_and_si256(_mm256_add_epi32(bits, _mm256_set1_epi32(4)), _mm256_set1_epi32(0xffff));
  const __m256i near_edge = _mm256_cmpgt_epi32(_mm256_set1_epi32(8), wrap);
  const __m256i exact = _mm256_castps_si256(_mm256_cmp_ps(f, _mm256_set1_ps(16777216.0f), _CMP_LT_OQ));
  if (!_mm256_testz_si256(near_edge, _mm256_xor_si256(exact, _mm256_set1_epi32(-1)))) [[unlikely]] {
    alignas(32) std::int32_t x[8], y[8], k[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(x), gx);
    _mm256_store_si256(reinterpret_cast<__m256i*>(y), gy);
    for (int i = 0; i < 8; ++i) k[i] = magnitude_key(x[i], y[i]);
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(k));
  }
  // Exponent and 7 mantissa bits, rebased as magnitude_key's are: float and
  // double keys agree, (exponent << 7 | mantissa) + 1 either way.
  return _mm256_sub_epi32(_mm256_srli_epi32(bits, 23 - kEdgeKeyMantissaBits),
                          _mm256_set1_epi32((127 << kEdgeKeyMantissaBits) - 1));
}

[[gnu::target("avx2")]] void strip_keys_avx2(const Strip& s, std::uint16_t* keys, std::uint32_t* hist) {
  for (int y = s.y0; y < s.y1; ++y) {
    std::uint16_t* key = keys + static_cast<std::size_t>(y) * static_cast<std::size_t>(s.width);
    const std::int32_t* up = s.gray_row(y - 1);
    const std::int32_t* mid = s.gray_row(y);
    const std::int32_t* down = s.gray_row(y + 1);
    int x = 0;
    // Loads reach x + 16, inside the padded row (width + 2 elements).
    for (; x + 16 <= s.width; x += 16) {
      const __m256i k =
          _mm256_packus_epi32(keys8(up + x, mid + x, down + x), keys8(up + x + 8, mid + x + 8, down + x + 8));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(key + x), _mm256_permute4x64_epi64(k, 0xd8));
    }
    row_keys(up + x, mid + x, down + x, s.width - x, key + x);
    count_keys(key, s.width, hist);
  }
}
#endif

}  // namespace

void edge_keys(const Strip& s, std::uint16_t* keys, std::uint32_t* hist) {
  avx2_or_portable<strip_keys, PHOTOSCORE_AVX2(strip_keys_avx2)>(s, keys, hist);
}

}  // namespace photoscore
