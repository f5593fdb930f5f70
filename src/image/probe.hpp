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
  // Bytes the decoder itself holds at its peak beyond the RGB pixels it
  // hands over (LibRaw's sensor planes, libheif's tiles and planes), where
  // that is more than a few rows; 0 for the streaming decoders.
  std::uint64_t decoder_bytes = 0;
};

// The sizes are those of what decoding will produce, not what a header
// claims where the two can differ: a HEIF grid's or overlay's canvas (its
// `ispe` may say 64x64), a RAW preview's JPEG frame (its TIFF tags may lie).
// With decoder helpers on (decoder_helpers.hpp), camera RAW, TIFF and HEIF
// are probed in this thread's helper; `limits` gives its memory allowance.
ImageProbe probe_image(const std::string& path, const DecodeLimits& limits = {});

}  // namespace photoscore
