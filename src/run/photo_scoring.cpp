#include "run/photo_scoring.hpp"

#include <new>

#include "analysis/perceptual_hash.hpp"
#include "image/clock.hpp"

namespace photoscore {

ImageOutcome failed_outcome(std::string error, double decode_seconds) {
  ImageOutcome out;
  out.error = std::move(error);
  out.decode_seconds = decode_seconds;
  return out;
}

double PhotoScoring::book(double since) {
  const double spent = seconds_now() - since;
  seconds_ += spent;
  return spent;
}

double PhotoScoring::begin(ImageScorer& scorer, const RgbImage& image) {
  const double t = seconds_now();
  scorer_ = &scorer;
  scorer.begin(image, &times_);
  return book(t);
}

double PhotoScoring::rows(int rows) {
  const double t = seconds_now();
  scorer_->rows_ready(rows);
  rows_ = rows;
  return book(t);
}

ImageOutcome PhotoScoring::finish(ImageScorer& scorer, const RgbImage& image, double decode_seconds,
                                  bool hash) {
  try {
    if (!begun()) begin(scorer, image);
    const double t = seconds_now();
    std::vector<AnalyzerResult> results = scorer.finish();
    ImageOutcome out;
    out.decode_seconds = decode_seconds;
    out.results = std::move(results);
    out.analyzer_seconds = std::move(times_.analyzer_seconds);
    // The photo's own size, also when it was scored at the working resolution.
    out.width = image.scaled.source_width > 0 ? image.scaled.source_width : image.width;
    out.height = image.scaled.source_height > 0 ? image.scaled.source_height : image.height;
    out.source = image.source;
    // Every layout scores through here, on the same (working) image. Booked
    // with the scoring: it is a pass over the photo's rows (0.25 ms at 4 MP
    // in the benchmark, about 4 % of a photo's CPU in a run, its rows out of
    // cache by then: asked for only when the run groups), and a rank's
    // stages must add up to its wall time.
    if (hash) out.perceptual_hash = perceptual_hash(image);
    book(t);
    out.capture_time = image.capture_time;
    out.ok = true;
    return out;
  } catch (const std::bad_alloc&) {
    return out_of_memory(scorer, decode_seconds);
  }
}

ImageOutcome PhotoScoring::out_of_memory(ImageScorer& scorer, double decode_seconds) {
  // What a huge photo left allocated must not starve the next one.
  scorer.release_buffers();
  return failed_outcome(kOutOfMemory, decode_seconds);
}

}  // namespace photoscore
