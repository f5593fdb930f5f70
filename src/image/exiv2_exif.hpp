#pragma once
// Internal to src/image: the Exiv2 side of exif_capture_time.cpp, for the
// other reader of a parsed Exif block (exif_details.cpp), so a block is
// parsed once and Exiv2 is set up in one place.
#include <exiv2/exiv2.hpp>
#include <optional>

#include "image/capture_time.hpp"

namespace photoscore {

// Mutes Exiv2's warnings and starts its XMP toolkit, once per process;
// call before any Exiv2 parse.
void prepare_exiv2();

// The capture time in a parsed Exif block or file (exif_capture_time's rules).
std::optional<CaptureTime> capture_time_in(const Exiv2::ExifData& exif);

}  // namespace photoscore
