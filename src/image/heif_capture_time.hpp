#pragma once
// A HEIF's capture time, from the Exif item libheif finds for its primary
// image (capture_time.hpp's fields, read by Exiv2), in the decoder that
// already holds the image's handle.
#include <libheif/heif.h>

#include <optional>

#include "image/capture_time.hpp"

namespace photoscore {

// None when the image has no Exif item, or one that is too large, cannot be
// read or holds no time. Never throws.
std::optional<CaptureTime> heif_capture_time(const heif_image_handle* image);

}  // namespace photoscore
