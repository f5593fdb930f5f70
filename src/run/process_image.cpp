#include "run/process_image.hpp"

#include <new>
#include <string>

#include "analysis/perceptual_hash.hpp"
#include "image/capture_time.hpp"
#include "image/clock.hpp"
#include "image/decoder_helpers.hpp"
#include "image/working_image.hpp"
#include "output/row_schema.hpp"
#include "output/utf8.hpp"
#include "run/read_file.hpp"

namespace photoscore {

bool decode_stopped(const ImageOutcome& outcome) { return !outcome.ok && outcome.error == kDecodeStopped; }

namespace {

void decode_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                 const RowsDone* rows_done) {
  if (limits.working_resolution) {
    decode_working_image(bytes, limits, image, rows_done);  // calibrated profile
  } else {
    decode_image_into(bytes, limits, image, rows_done);
  }
  // A JPEG's Exif from the bytes in memory; the decoders of TIFF, HEIF and
  // camera RAW read their own where they run (a decoder helper) and set it.
  if (image.capture_time.empty()) image.capture_time = capture_time_text(jpeg_capture_time(bytes));
}

}  // namespace

std::string decode_photo(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                         const RowsDone* rows_done) {
  try {
    decode_into(bytes, limits, image, rows_done);
    return "";
  } catch (const DecodeError& e) {
    return e.what();
  } catch (const std::bad_alloc&) {
    // The caller frees what it can: rows of `image` may still be on their
    // way to other ranks.
    return kOutOfMemory;
  }
}

ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer,
                           const DecodeLimits& decode_limits, bool hash) {
  const double t0 = seconds_now();
  // The photo is scored before this thread decodes the next: a decoder
  // helper's pixels need no copy out of its shared memory.
  DecodeLimits limits = decode_limits;
  limits.borrow_helper_pixels = true;
  PhotoScoring scoring;
  const auto decode_seconds = [&] { return seconds_now() - t0 - scoring.inline_seconds(); };
  // Running out of memory on one photo (a huge one, or many large ones at
  // once) is that photo's failure, not the job's: it gets an error row and
  // the next photo starts from a clean scorer.
  try {
    RgbImage& image = scorer.image_buffer();
    // A JPEG is scored strip by strip as its rows come out of the decoder,
    // while they are still in cache (in the calibrated profile too: its
    // working image is the DCT-scaled decode); other formats are scored once
    // decoded.
    const RowsDone rows_done = [&](int rows) {
      if (!scoring.begun()) scoring.begin(scorer, image);
      scoring.rows(rows);
    };
    try {
      decode_into(bytes, limits, image, &rows_done);
    } catch (const DecodeError& e) {
      return failed_outcome(e.what(), decode_seconds());
    }
    return scoring.finish(scorer, image, decode_seconds(), hash);
  } catch (const std::bad_alloc&) {
    return PhotoScoring::out_of_memory(scorer, decode_seconds());
  }
}

bool read_photo(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error,
                std::uint64_t max_bytes, std::string* identity) {
  try {
    if (read_file(path, bytes, error, max_bytes, identity)) return true;
  } catch (const std::bad_alloc&) {
    error = "not enough memory to read this file";
  }
  // The buffer may hold part of the file; a later photo must not inherit its
  // size.
  std::vector<std::uint8_t>().swap(bytes);
  return false;
}

ImageOutcome read_and_process(const std::string& path, std::vector<std::uint8_t>& bytes, ImageScorer& scorer,
                              const DecodeLimits& limits, double& read_seconds, bool hash) {
  const double t0 = seconds_now();
  std::string error;
  std::string identity;
  const bool readable = read_photo(path, bytes, error, limits.max_file_bytes, &identity);
  read_seconds = seconds_now() - t0;
  ImageOutcome outcome = readable ? process_image(bytes, scorer, limits, hash) : failed_outcome(error, 0.0);
  outcome.identity = std::move(identity);
  return outcome;
}

ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome) {
  ScoredRow row;
  row.filename = file.filename;
  row.path = file.path;
  row.ok = outcome.ok;
  row.identity = std::move(outcome.identity);
  // One line, and short: a library's message may not be.
  row.error = fit_text(outcome.error, kMaxErrorBytes);
  // An error row carries no figures, however far the photo got: every mode
  // writes the same bytes for the same failure.
  if (row.ok) {
    row.width = outcome.width;
    row.height = outcome.height;
    row.source = std::move(outcome.source);
    row.perceptual_hash = hash_text(outcome.perceptual_hash);
    row.capture_time = std::move(outcome.capture_time);
    row.results = std::move(outcome.results);
  }
  return row;
}

ScoredRow finished_row(const InputFile& file, ImageOutcome&& outcome, const MergePolicy& policy) {
  ScoredRow row = make_row(file, std::move(outcome));
  merge_scores(policy, row);
  return row;
}

}  // namespace photoscore
