#pragma once
// The per-image science path shared by every execution mode: one decoded
// photo in, one AnalyzerResult per selected analyzer out. Thread mode, the
// MPI roles layout and the MPI farm layout all call this and nothing else.
#include <memory>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {

struct ScoreTimes {
  double gray_seconds = 0.0;             // strip gray conversion, shared
  std::vector<double> analyzer_seconds;  // per selected analyzer
  // Wall time spent in rows_ready() calls: when scoring runs inside the
  // decoder's loop, this is what the decode's own wall time must leave out.
  double inline_seconds = 0.0;
};

class ImageScorer {
 public:
  // `threads` > 1 splits each photo's strips over OpenMP threads (used where
  // one rank has one photo at a time); results do not depend on it.
  ImageScorer(std::vector<const AnalyzerSpec*> analyzers, int threads);

  // Scores a whole decoded photo: begin(), rows_ready(height), finish().
  std::vector<AnalyzerResult> score(const RgbImage& image, ScoreTimes* times = nullptr);

  // The same, fed while the photo is decoded, so each strip is scored while
  // its freshly decoded rows are still in cache: begin() once the photo's
  // size is set and its storage allocated, rows_ready(n) whenever its first n
  // rows are final, finish() when all are. `image` and `times` must outlive
  // finish(). With threads > 1 the strips are only scored, in parallel, at
  // finish().
  void begin(const RgbImage& image, ScoreTimes* times = nullptr);
  void rows_ready(int rows);
  std::vector<AnalyzerResult> finish();

  const std::vector<const AnalyzerSpec*>& analyzers() const { return analyzers_; }

  // Storage to decode the next photo into (decode_image_into), kept from
  // photo to photo like the kernels' buffers: a fresh multi-megabyte buffer
  // per photo costs page faults and zeroing comparable to an analyzer.
  RgbImage& image_buffer() { return image_; }

  // Frees every buffer kept from photo to photo (after running out of
  // memory: what a huge photo left allocated must not starve the next one).
  void release_buffers();

 private:
  void visit(const Strip& strip, int slot);

  std::vector<const AnalyzerSpec*> analyzers_;
  std::vector<std::unique_ptr<AnalyzerKernel>> kernels_;
  std::vector<std::vector<std::int32_t>> strip_buffers_;
  bool gray_ = true;  // whether any analyzer reads the gray strips
  int threads_;
  RgbImage image_;

  // The photo being scored.
  const RgbImage* current_ = nullptr;
  ScoreTimes* times_ = nullptr;
  std::vector<std::vector<double>> per_slot_;  // analyzer seconds, per slot
  StripWalker walker_;
};

}  // namespace photoscore
