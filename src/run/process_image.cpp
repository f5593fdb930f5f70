#include "run/process_image.hpp"

#include <omp.h>

#include <new>

namespace photoscore {

ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer, const DecodeLimits& limits) {
  ImageOutcome out;
  const double t0 = omp_get_wtime();
  RgbImage image;
  try {
    image = decode_image(bytes, limits);
  } catch (const DecodeError& e) {
    out.error = e.what();
    out.decode_seconds = omp_get_wtime() - t0;
    return out;
  } catch (const std::bad_alloc&) {
    out.error = "not enough memory to decode this image";
    out.decode_seconds = omp_get_wtime() - t0;
    return out;
  }
  out.decode_seconds = omp_get_wtime() - t0;
  ScoreTimes times;
  out.results = scorer.score(image, &times);
  out.analyzer_seconds = std::move(times.analyzer_seconds);
  out.width = image.width;
  out.height = image.height;
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
