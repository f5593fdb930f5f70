#include "image/camera_raw.hpp"
#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"

namespace photoscore {

namespace {

bool in_helper(std::span<const std::uint8_t> bytes) {
  return decoder_helper_settings().enabled && decoded_in_helper(detect_signature(bytes));
}

}  // namespace

// Detection is done once per photo (for a TIFF signature it opens LibRaw to
// tell a camera RAW apart), then this.
RgbImage decode_as(ImageFormat format, std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  switch (format) {
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
    case ImageFormat::Heif:
      return decode_heif(bytes, limits);
    case ImageFormat::Raw:
      return decode_raw(bytes, limits);
    case ImageFormat::Unknown:
      break;
  }
  throw DecodeError("not a supported image (unrecognised content)");
}

RgbImage decode_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  if (bytes.empty()) throw DecodeError("empty file");
  clear_raw_readings();
  if (in_helper(bytes)) {
    RgbImage image;
    decode_in_helper(bytes, limits, image);
    return image;
  }
  return decode_as(detect_format(bytes), bytes, limits);
}

void decode_as_into(ImageFormat format, std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    RgbImage& image) {
  image.source.clear();  // the buffer may hold the previous photo's, a RAW's
  image.shared = nullptr;
  if (format == ImageFormat::Jpeg) return decode_jpeg_into(bytes, limits, image);
  if (format == ImageFormat::Webp) return decode_webp_into(bytes, limits, image);
  if (format == ImageFormat::Raw) return decode_raw_into(bytes, limits, image);
  if (format == ImageFormat::Heif) return decode_heif_into(bytes, limits, image);
  RgbImage fresh = decode_as(format, bytes, limits);
  // Keep the reused buffer if it is the larger: dropping it for a small PNG
  // would make the next large JPEG fault in fresh pages again.
  if (fresh.rgb.size() <= image.rgb.capacity()) {
    image.width = fresh.width;
    image.height = fresh.height;
    image.rgb.assign(fresh.rgb.begin(), fresh.rgb.end());
    image.source = std::move(fresh.source);
  } else {
    image = std::move(fresh);
  }
}

void decode_image_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                       const RowsDone* rows_done) {
  image.source.clear();  // the buffer may hold the previous photo's, a RAW's
  image.shared = nullptr;
  if (!bytes.empty() && in_helper(bytes)) return decode_in_helper(bytes, limits, image);
  clear_raw_readings();
  const ImageFormat format = bytes.empty() ? ImageFormat::Unknown : detect_format(bytes);
  if (format == ImageFormat::Jpeg) return decode_jpeg_into(bytes, limits, image, rows_done);
  if (bytes.empty()) throw DecodeError("empty file");
  decode_as_into(format, bytes, limits, image);
}

}  // namespace photoscore
