#pragma once
// A photo's format and size from its header alone, without decoding it:
// what `photoscore --list` reports for a folder of thousands of photos in the
// time it takes to read their first bytes.
#include <cstdint>
#include <string>

#include "image/decode.hpp"

namespace photoscore {

struct ImageProbe {
  bool ok = false;
  std::string error;  // one line, when !ok
  ImageFormat format = ImageFormat::Unknown;
  int width = 0;  // of what will be scored: a RAW's preview or its demosaic
  int height = 0;
  bool raw_preview = false;      // a RAW scored from its embedded preview
  std::uint64_t file_bytes = 0;  // the file's size, as the probe found it
};

ImageProbe probe_image(const std::string& path);

}  // namespace photoscore
