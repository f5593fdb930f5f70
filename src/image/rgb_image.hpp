#pragma once
// A decoded photo: 8-bit RGB, row-major, 3*width bytes a row, no padding.
// Every decoder produces this one layout so the analyzers never see formats.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace photoscore {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  // Pixels that live elsewhere, read-only, in the same layout: a roles
  // group's shared-memory window, where the member that decoded the photo
  // put it, so the other members score it without a copy of their own.
  // When set, row() reads there and `rgb` is not used.
  const std::uint8_t* shared = nullptr;
  // Where a camera RAW's pixels came from ("embedded preview" or
  // "demosaiced"): they differ, and a reader of the scores should know which
  // was scored. Empty for every other format.
  std::string source;
  // When the photo was taken (image/capture_time.hpp's text, from the file's
  // EXIF); empty when it says nothing. Set from the file's bytes once the
  // photo is decoded (run/process_image.cpp), carried with the pixels to
  // whoever scores them.
  std::string capture_time;
  // --- calibrated profile (decode_working_image) ---
  // What the photo was before it was reduced to the working resolution, and
  // by what power of two (1 = not reduced); all zero for a photo decoded at
  // full size (the seed profile), so seed analyzers never see them.
  struct Scaled {
    int source_width = 0;
    int source_height = 0;
    int factor = 0;  // see working_image.hpp
  } scaled;
  // --- end calibrated profile ---
  // Where the decoders that can (JPEG, camera RAW, HEIF: pixel_storage in
  // big_buffer.hpp) put the pixels instead of `rgb`, when set: called with
  // the bytes needed once the size is known, it returns storage for them
  // (a decoder helper's shared memory, a roles group's shared-memory
  // window), and `shared` points there; or null, no room there: `rgb`.
  std::function<std::uint8_t*(std::size_t)> place;

  std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
  const std::uint8_t* row(int y) const {
    return (shared ? shared : rgb.data()) +
           static_cast<std::size_t>(y) * 3u * static_cast<std::size_t>(width);
  }
};

}  // namespace photoscore
