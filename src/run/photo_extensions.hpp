#pragma once
#include <string>
#include <vector>

namespace photoscore {

// The lower-case extensions, with their dot, that make a file a photo: the
// format table's (image/codec.hpp).
const std::vector<std::string>& photo_extensions();

}  // namespace photoscore
