#pragma once
// What the HTML report's card says of a photo beside its thumbnail, from its
// EXIF, read by Exiv2 as the capture time is (image/capture_time.hpp): when
// it was taken, with which camera, at which settings; and which way up it
// is meant to be seen. Only what the camera wrote: a field it left out is
// left out. Shown in the report only, never in the rows.
#include <cstdint>
#include <span>
#include <string>

namespace photoscore {

struct ExifDetails {
  int orientation = 1;   // EXIF Orientation 1-8 (1: as stored, also when absent or out of range)
  std::string taken;     // "2024-05-01 12:34:56.78 +02:00" (capture_time_text's, spaced), or ""
  std::string camera;    // "Canon EOS R5": the model, after the make when the model does not name it
  std::string exposure;  // "1/250 s, f/2.8, ISO 400, 50 mm": those present, in that order, or ""
  bool operator==(const ExifDetails&) const = default;
};

// The details in an Exif block (a JPEG's APP1 from its TIFF header on, at
// most 64 KB: jpeg_exif_block). Text fields keep printable ASCII only, at
// most 64 bytes each; a value that is no real number (a zero denominator, a
// negative time) is left out. Never throws: a block Exiv2 cannot read gives
// no details.
ExifDetails exif_details(std::span<const std::uint8_t> exif_block);

}  // namespace photoscore
