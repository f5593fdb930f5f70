#pragma once
// The common shape of analyzers that only add things up: one exact integer
// accumulator per slot, filled strip by strip by a portable loop or its AVX2
// twin, and totalled once per photo. Sums must support +=. Every sum is
// exact, so which twin ran never changes a figure (PHOTOSCORE_NO_AVX2 runs
// the portable one).
#include <cstdint>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/avx2_dispatch.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {

template <typename Sums>
using StripSums = void (*)(const Strip&, Sums&);

// `avx2` may be nullptr where there is no AVX2 version (other architectures).
template <typename Sums, StripSums<Sums> portable, StripSums<Sums> avx2>
class SummingKernel : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    pixels_ = static_cast<std::int64_t>(width) * height;
    sums_.assign(static_cast<std::size_t>(slots), Sums{});
  }

  void consume(const Strip& s, int slot) override {
    avx2_or_portable<portable, avx2>(s, sums_[static_cast<std::size_t>(slot)]);
  }

 protected:
  Sums total() const {
    Sums t{};
    for (const Sums& s : sums_) t += s;
    return t;
  }
  std::int64_t pixels() const { return pixels_; }

 private:
  std::int64_t pixels_ = 0;
  std::vector<Sums> sums_;
};

// A SummingKernel whose AVX2 version is the portable loop `sums` itself,
// compiled for AVX2 (one written with intrinsics uses SummingKernel).
template <typename Sums, StripSums<Sums> sums>
using TwinSummingKernel = SummingKernel<Sums, sums, kAvx2Build<sums>>;

}  // namespace photoscore
