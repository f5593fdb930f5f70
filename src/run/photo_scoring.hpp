#pragma once
// The one scoring path of a photo, step by step: every runner scores a
// decoded photo through a PhotoScoring, so thread mode, the farm and the
// roles layout cannot drift apart. process_image() drives it from its own
// decode; the roles layout drives it from rows that another rank decoded
// and streamed, as they arrive.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"

namespace photoscore {

struct ImageOutcome {
  bool ok = false;
  std::string error;  // one line, when !ok
  int width = 0;
  int height = 0;
  std::string source;    // a camera RAW's: where its pixels came from
  // Of the image scored (analysis/perceptual_hash.hpp), when ok and asked
  // for (the run groups); 0 otherwise.
  std::uint64_t perceptual_hash = 0;
  std::string capture_time;           // RgbImage::capture_time
  std::string identity;  // the file as it was read (read_file), for the JSONL's .meta; "" when not read here
  std::vector<AnalyzerResult> results;  // one per analyzer of the scorer
  double decode_seconds = 0.0;
  std::vector<double> analyzer_seconds;
};

// The reason given for a photo that ran out of memory.
inline constexpr const char* kOutOfMemory = "not enough memory to decode and score this image";

// The outcome of a photo that could not be read, decoded or scored.
ImageOutcome failed_outcome(std::string error, double decode_seconds);

// One photo's scoring: begin() once its size is set and its storage
// allocated, rows() whenever its first rows are final (while they are still
// in cache, when they come straight from the decoder), finish() when all
// are. One photo at a time per scorer; each step returns or books the
// seconds it took.
class PhotoScoring {
 public:
  // Starts scoring `image` with `scorer`; both must outlive finish().
  double begin(ImageScorer& scorer, const RgbImage& image);
  // Scores the photo's first `rows` rows (a prefix that only grows).
  double rows(int rows);
  // The rest of the scoring and the photo's outcome, begun here if no row
  // came before; with `hash`, its perceptual hash too (what --groups reads;
  // a roles group's members score the same pixels, and one of them hashes
  // them). Running
  // out of memory is the photo's failure, not the job's: it comes back as
  // kOutOfMemory, the scorer's buffers freed.
  ImageOutcome finish(ImageScorer& scorer, const RgbImage& image, double decode_seconds, bool hash = true);

  // The outcome of a photo that ran out of memory on its way here (in its
  // decode, or in begin() or rows() called from it): the next photo starts
  // from a clean scorer.
  static ImageOutcome out_of_memory(ImageScorer& scorer, double decode_seconds);

  bool begun() const { return scorer_ != nullptr; }
  int rows_scored() const { return rows_; }
  // Seconds spent in begin(), rows() and finish().
  double seconds() const { return seconds_; }
  // Seconds spent in rows(): when they ran inside the decoder's loop, what
  // the decode's own wall time must leave out.
  double inline_seconds() const { return times_.inline_seconds; }

 private:
  double book(double since);

  ImageScorer* scorer_ = nullptr;
  ScoreTimes times_;
  int rows_ = 0;
  double seconds_ = 0.0;
};

}  // namespace photoscore
