// Dispatch through the format table (codec.hpp), or to this thread's
// decoder helper for the formats isolated there.
#include "image/camera_raw.hpp"
#include "image/codec.hpp"
#include "image/decoder_helpers.hpp"

namespace photoscore {

namespace {

bool in_helper(std::span<const std::uint8_t> bytes) {
  if (!decoder_helper_settings().enabled) return false;
  const Codec* codec = codec_of(detect_signature(bytes));
  return codec && codec->isolated;
}

const Codec& codec_or_refuse(ImageFormat format) {
  const Codec* codec = codec_of(format);
  if (!codec) throw DecodeError("not a supported image (unrecognised content)");
  return *codec;
}

}  // namespace

// Detection is done once per photo (for a TIFF signature it opens LibRaw to
// tell a camera RAW apart), then this.
RgbImage decode_as(ImageFormat format, std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  return codec_or_refuse(format).decode(bytes, limits);
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
  image.capture_time.clear();
  image.shared = nullptr;
  const Codec& codec = codec_or_refuse(format);
  if (codec.decode_into) return codec.decode_into(bytes, limits, image);
  RgbImage fresh = codec.decode(bytes, limits);
  // Keep the reused buffer if it is the larger: dropping it for a small PNG
  // would make the next large JPEG fault in fresh pages again.
  if (fresh.rgb.size() <= image.rgb.capacity()) {
    image.width = fresh.width;
    image.height = fresh.height;
    image.rgb.assign(fresh.rgb.begin(), fresh.rgb.end());
    image.source = std::move(fresh.source);
    image.capture_time = std::move(fresh.capture_time);
  } else {
    image = std::move(fresh);
  }
}

void decode_image_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                       const RowsDone* rows_done) {
  image.source.clear();  // the buffer may hold the previous photo's, a RAW's
  image.capture_time.clear();
  image.shared = nullptr;
  if (!bytes.empty() && in_helper(bytes)) return decode_in_helper(bytes, limits, image);
  clear_raw_readings();
  const Codec* codec = bytes.empty() ? nullptr : codec_of(detect_format(bytes));
  if (codec && codec->decode_rows) return codec->decode_rows(bytes, limits, image, rows_done);
  if (bytes.empty()) throw DecodeError("empty file");
  decode_as_into(codec ? codec->format : ImageFormat::Unknown, bytes, limits, image);
}

}  // namespace photoscore
