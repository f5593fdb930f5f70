#pragma once
// The per-image science path shared by every execution mode: one decoded
// photo in, one AnalyzerResult per selected analyzer out. Thread mode, the
// MPI roles layout and the MPI farm layout all call this and nothing else.
#include <memory>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

struct ScoreTimes {
  double gray_seconds = 0.0;             // strip gray conversion, shared
  std::vector<double> analyzer_seconds;  // per selected analyzer
};

class ImageScorer {
 public:
  // `threads` > 1 splits each photo's strips over OpenMP threads (used where
  // one rank has one photo at a time); results do not depend on it.
  ImageScorer(std::vector<const AnalyzerSpec*> analyzers, int threads);

  std::vector<AnalyzerResult> score(const RgbImage& image, ScoreTimes* times = nullptr);
  const std::vector<const AnalyzerSpec*>& analyzers() const { return analyzers_; }

 private:
  std::vector<const AnalyzerSpec*> analyzers_;
  std::vector<std::unique_ptr<AnalyzerKernel>> kernels_;
  std::vector<std::vector<std::int32_t>> strip_buffers_;
  int threads_;
};

}  // namespace photoscore
