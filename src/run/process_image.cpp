#include "run/process_image.hpp"

#include <omp.h>

#include <new>

#include "image/working_image.hpp"

namespace photoscore {

ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer, const DecodeLimits& limits) {
  ImageOutcome out;
  const double t0 = omp_get_wtime();
  RgbImage& image = scorer.image_buffer();
  ScoreTimes times;
  // A JPEG is scored strip by strip as its rows come out of the decoder,
  // while they are still in cache; other formats are scored once decoded.
  bool begun = false;
  const RowsDone rows_done = [&](int rows) {
    if (!begun) {
      scorer.begin(image, &times);
      begun = true;
    }
    scorer.rows_ready(rows);
  };
  try {
    if (limits.working_resolution) {
      decode_working_image(bytes, limits, image);  // calibrated profile: scored whole below
    } else {
      decode_image_into(bytes, limits, image, &rows_done);
    }
  } catch (const DecodeError& e) {
    out.error = e.what();
    out.decode_seconds = omp_get_wtime() - t0 - times.inline_seconds;
    return out;
  } catch (const std::bad_alloc&) {
    out.error = "not enough memory to decode this image";
    out.decode_seconds = omp_get_wtime() - t0 - times.inline_seconds;
    return out;
  }
  if (!begun) scorer.begin(image, &times);
  out.decode_seconds = omp_get_wtime() - t0 - times.inline_seconds;
  out.results = scorer.finish();
  out.analyzer_seconds = std::move(times.analyzer_seconds);
  // The photo's own size, also when it was scored at the working resolution.
  out.width = image.scaled.source_width > 0 ? image.scaled.source_width : image.width;
  out.height = image.scaled.source_height > 0 ? image.scaled.source_height : image.height;
  out.ok = true;
  return out;
}

ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome) {
  ScoredRow row;
  row.filename = file.filename;
  row.path = file.path;
  row.ok = outcome.ok;
  row.error = std::move(outcome.error);
  row.width = outcome.width;
  row.height = outcome.height;
  row.results = std::move(outcome.results);
  return row;
}

}  // namespace photoscore
