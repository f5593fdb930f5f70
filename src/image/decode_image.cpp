#include "image/decode.hpp"

namespace photoscore {

RgbImage decode_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  if (bytes.empty()) throw DecodeError("empty file");
  switch (detect_format(bytes)) {
    case ImageFormat::Jpeg:
      return decode_jpeg(bytes, limits);
    case ImageFormat::Png:
      return decode_png(bytes, limits);
    case ImageFormat::Tiff:
      return decode_tiff(bytes, limits);
    case ImageFormat::Webp:
      return decode_webp(bytes, limits);
    case ImageFormat::Bmp:
      return decode_bmp(bytes, limits);
    case ImageFormat::Unknown:
      break;
  }
  throw DecodeError("not a supported image (unrecognised content)");
}

}  // namespace photoscore
