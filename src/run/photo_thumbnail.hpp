#pragma once
// Thumbnails of scored photos, for the HTML report (output/report_sink.hpp),
// made through the same limits as scoring: the file read by read_file
// (--max-file-mb, regular files only, never waiting on a pipe), decoded
// within the job's DecodeLimits (its pixel limit, its decoder helpers) and
// under its memory budget.
#include <cstdint>
#include <functional>
#include <string>

#include "image/decode.hpp"
#include "image/thumbnail.hpp"

namespace photoscore {

// Makes JPEG thumbnails of at most `side` pixels, upright, with the photo's
// EXIF details (image/thumbnail.hpp's photo_thumbnail): none for a photo that cannot
// be read or decoded now (changed since it was scored), or whose memory the
// budget (`memory_budget` bytes, 0: none) cannot hold. Safe to call from
// many threads at once.
std::function<Thumbnail(const std::string& path)> thumbnail_maker(int side, const DecodeLimits& limits,
                                                                  std::uint64_t memory_budget);

}  // namespace photoscore
