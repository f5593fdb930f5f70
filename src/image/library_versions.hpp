#pragma once
// The versions of the decoding libraries this binary runs with, for the
// provenance of a scaling study: a new libjpeg-turbo can move decode time.
#include <string>

namespace photoscore {

// "libjpeg-turbo 2.1.5, libpng 1.6.39, libtiff 4.5.0, ...": each codec's
// library in the format table's order (codec.hpp), at run time where the
// library can say (libjpeg-turbo can only say what it was compiled against).
std::string image_library_versions();

}  // namespace photoscore
