#include "image/library_versions.hpp"

#include "image/codec.hpp"

namespace photoscore {

std::string image_library_versions() {
  std::string out;
  for (const Codec* codec : codecs()) {
    if (!codec->library_version) continue;
    out += (out.empty() ? "" : ", ") + codec->library_version();
  }
  return out;
}

}  // namespace photoscore
