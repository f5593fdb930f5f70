#include "analysis/score_image.hpp"

#include <algorithm>

#include "image/clock.hpp"

namespace photoscore {

ImageScorer::ImageScorer(std::vector<const AnalyzerSpec*> analyzers, int threads)
    : analyzers_(std::move(analyzers)), threads_(threads < 1 ? 1 : threads) {
  gray_ = false;
  for (const AnalyzerSpec* spec : analyzers_) {
    kernels_.push_back(spec->make_kernel());
    gray_ = gray_ || spec->reads_gray;
  }
}

void ImageScorer::release_buffers() {
  image_ = RgbImage();
  strip_buffers_.clear();
  strip_buffers_.shrink_to_fit();
  per_slot_.clear();
  for (std::size_t i = 0; i < kernels_.size(); ++i) kernels_[i] = analyzers_[i]->make_kernel();
  current_ = nullptr;
  times_ = nullptr;
}

void ImageScorer::visit(const Strip& strip, int slot) {
  if (!times_) {
    for (auto& k : kernels_) k->consume(strip, slot);
    return;
  }
  // Timing per analyzer needs a clock read per strip; it is cheap next to a
  // strip's work (thousands of pixels).
  std::vector<double>& mine = per_slot_[static_cast<std::size_t>(slot)];
  double t = seconds_now();
  for (std::size_t i = 0; i < kernels_.size(); ++i) {
    kernels_[i]->consume(strip, slot);
    const double now = seconds_now();
    mine[i] += now - t;
    t = now;
  }
}

void ImageScorer::begin(const RgbImage& image, ScoreTimes* times) {
  current_ = &image;
  times_ = times;
  for (auto& k : kernels_) k->begin(image.width, image.height, threads_);
  if (times_) {
    times_->analyzer_seconds.assign(kernels_.size(), 0.0);
    times_->gray_seconds = 0.0;
    times_->inline_seconds = 0.0;
    per_slot_.assign(static_cast<std::size_t>(threads_), std::vector<double>(kernels_.size(), 0.0));
  }
  if (strip_buffers_.empty()) strip_buffers_.resize(1);
  if (threads_ == 1) walker_.start(image, 0, image.height, gray_, strip_buffers_[0], 0);
}

void ImageScorer::rows_ready(int rows) {
  if (threads_ != 1) return;
  const double t = times_ ? seconds_now() : 0.0;
  walker_.advance(rows, [this](const Strip& strip, int slot) { visit(strip, slot); });
  if (times_) times_->inline_seconds += seconds_now() - t;
}

std::vector<AnalyzerResult> ImageScorer::finish() {
  const RgbImage& image = *current_;
  const double t0 = times_ ? seconds_now() : 0.0;
  if (threads_ == 1) {
    walker_.advance(image.height, [this](const Strip& strip, int slot) { visit(strip, slot); });
  } else {
    for_each_strip(
        image, threads_, strip_buffers_, [this](const Strip& strip, int slot) { visit(strip, slot); }, gray_);
  }
  if (times_) {
    // The strips' wall time beyond the analyzers' sweeps is the gray
    // conversion (with threads, the sweeps add up over slots and this is
    // only a lower bound).
    double sweeps = 0.0;
    for (const auto& slot : per_slot_) {
      for (std::size_t i = 0; i < slot.size(); ++i) {
        times_->analyzer_seconds[i] += slot[i];
        sweeps += slot[i];
      }
    }
    const double strips = times_->inline_seconds + (seconds_now() - t0);
    times_->gray_seconds = std::max(0.0, strips - sweeps);
  }
  std::vector<AnalyzerResult> results;
  results.reserve(kernels_.size());
  for (std::size_t i = 0; i < kernels_.size(); ++i) {
    const double t = times_ ? seconds_now() : 0.0;
    results.push_back(kernels_[i]->finish(image));
    if (times_) times_->analyzer_seconds[i] += seconds_now() - t;
  }
  current_ = nullptr;
  times_ = nullptr;
  return results;
}

std::vector<AnalyzerResult> ImageScorer::score(const RgbImage& image, ScoreTimes* times) {
  begin(image, times);
  rows_ready(image.height);
  return finish();
}

}  // namespace photoscore
