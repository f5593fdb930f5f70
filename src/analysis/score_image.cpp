#include "analysis/score_image.hpp"

#include <omp.h>

#include "analysis/gray_strips.hpp"

namespace photoscore {

ImageScorer::ImageScorer(std::vector<const AnalyzerSpec*> analyzers, int threads)
    : analyzers_(std::move(analyzers)), threads_(threads < 1 ? 1 : threads) {
  for (const AnalyzerSpec* spec : analyzers_) kernels_.push_back(spec->make_kernel());
}

std::vector<AnalyzerResult> ImageScorer::score(const RgbImage& image, ScoreTimes* times) {
  const std::size_t count = kernels_.size();
  for (auto& k : kernels_) k->begin(image.width, image.height, threads_);
  if (times) times->analyzer_seconds.assign(count, 0.0);
  // Timing per analyzer needs a clock read per strip; it is cheap next to a
  // strip's work (thousands of pixels) and only taken when asked for.
  std::vector<std::vector<double>> per_slot(times ? threads_ : 0, std::vector<double>(count + 1, 0.0));
  for_each_strip(image, threads_, strip_buffers_, [&](const Strip& strip, int slot) {
    if (!times) {
      for (auto& k : kernels_) k->consume(strip, slot);
      return;
    }
    double t = omp_get_wtime();
    for (std::size_t i = 0; i < count; ++i) {
      kernels_[i]->consume(strip, slot);
      const double now = omp_get_wtime();
      per_slot[slot][i] += now - t;
      t = now;
    }
  });
  std::vector<AnalyzerResult> results;
  results.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double t = omp_get_wtime();
    results.push_back(kernels_[i]->finish(image));
    if (times) times->analyzer_seconds[i] += omp_get_wtime() - t;
  }
  if (times) {
    for (const auto& slot : per_slot) {
      for (std::size_t i = 0; i < count; ++i) times->analyzer_seconds[i] += slot[i];
    }
  }
  return results;
}

}  // namespace photoscore
