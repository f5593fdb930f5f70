#pragma once
// The versions of the decoding libraries this binary runs with, for the
// provenance of a scaling study: a new libjpeg-turbo can move decode time.
#include <string>

namespace photoscore {

// "libjpeg-turbo 2.1.5, libpng 1.6.39, libtiff 4.5.0, libwebp 1.2.4,
// libheif 1.15.1, LibRaw 0.21.1": runtime versions where the library can
// say (libjpeg-turbo can only say what it was compiled against).
std::string image_library_versions();

}  // namespace photoscore
