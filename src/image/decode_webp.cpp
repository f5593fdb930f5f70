#include <webp/decode.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "image/big_buffer.hpp"
#include "image/codec.hpp"
#include "image/data_proof.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

std::string status_text(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory decoding WebP";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid WebP decoding parameters";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "invalid WebP bitstream";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported WebP feature";
    case VP8_STATUS_SUSPENDED:
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "truncated WebP data";
    case VP8_STATUS_USER_ABORT:
    case VP8_STATUS_OK:
      break;
  }
  return "WebP decoding failed";
}

std::uint64_t image_bytes(const WebPBitstreamFeatures& features) {
  return std::uint64_t{3} * static_cast<std::uint64_t>(features.width) *
         static_cast<std::uint64_t>(features.height);
}

// Decodes the whole bitstream into a thumbnail a 64th of each side: every
// macroblock or pixel code is still read, but nothing the image's size is
// kept, so a header claiming 16383 x 16383 over a few KB fails cheaply.
void prove_data(std::span<const std::uint8_t> bytes, const WebPBitstreamFeatures& features) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) throw DecodeError("incompatible libwebp version");
  config.options.use_scaling = 1;
  config.options.scaled_width = std::max(1, features.width / 64);
  config.options.scaled_height = std::max(1, features.height / 64);
  config.output.colorspace = MODE_RGB;
  const VP8StatusCode status = WebPDecode(bytes.data(), bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) throw DecodeError(status_text(status));
}

}  // namespace

void decode_webp_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image) {
  WebPBitstreamFeatures features;
  VP8StatusCode status = WebPGetFeatures(bytes.data(), bytes.size(), &features);
  if (status != VP8_STATUS_OK) throw DecodeError(status_text(status));
  // WebPDecode would refuse it with a bare "unsupported feature".
  if (features.has_animation) throw DecodeError("animated WebP is not supported");
  if (features.width <= 0 || features.height <= 0) throw DecodeError("invalid WebP: zero image size");
  if (static_cast<std::uint64_t>(features.width) * static_cast<std::uint64_t>(features.height) >
      limits.max_pixels) {
    throw DecodeError("image is " + std::to_string(features.width) + " x " + std::to_string(features.height) +
                      " pixels, over the limit of " + std::to_string(limits.max_pixels));
  }

  if (needs_proof(image_bytes(features), bytes.size())) prove_data(bytes, features);

  image.width = features.width;
  image.height = features.height;
  resize_big(image.rgb, image.pixels() * 3);
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) throw DecodeError("incompatible libwebp version");
  // Decoding into our buffer with the default options (fancy upsampling,
  // no dithering) gives what Pillow gets; alpha, if any, is not asked for.
  config.output.colorspace = MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = image.rgb.data();
  config.output.u.RGBA.stride = 3 * image.width;
  config.output.u.RGBA.size = image.rgb.size();
  status = WebPDecode(bytes.data(), bytes.size(), &config);
  WebPFreeDecBuffer(&config.output);
  if (status != VP8_STATUS_OK) throw DecodeError(status_text(status));
}

RgbImage decode_webp(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  RgbImage image;
  decode_webp_into(bytes, limits, image);
  return image;
}

namespace {

bool sniff_webp(ByteSpan bytes) {
  static constexpr std::uint8_t kRiff[] = {'R', 'I', 'F', 'F'};
  static constexpr std::uint8_t kWebp[] = {'W', 'E', 'B', 'P'};
  return bytes_at(bytes, 0, kRiff) && bytes_at(bytes, 8, kWebp);
}

// WebPGetFeatures, as the decoder reads the header, on the file's first
// bytes (the VP8X chunk sits within them).
bool probe_webp(const ProbeSource& source, ImageProbe& probe) {
  WebPBitstreamFeatures features;
  const bool ok = WebPGetFeatures(source.prefix.data(), source.prefix.size(), &features) == VP8_STATUS_OK;
  probe.width = features.width;
  probe.height = features.height;
  return ok;
}

std::string webp_version() {
  const int version = WebPGetDecoderVersion();
  char text[32];
  std::snprintf(text, sizeof text, "%d.%d.%d", version >> 16 & 0xff, version >> 8 & 0xff, version & 0xff);
  return std::string("libwebp ") + text;
}

constexpr std::string_view kExtensions[] = {".webp"};

}  // namespace

extern const Codec kWebpCodec;
constinit const Codec kWebpCodec{
    .format = ImageFormat::Webp,
    .name = "WebP",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 5,
    .sniff = sniff_webp,
    .settle = nullptr,
    .probe = probe_webp,
    .decode = decode_webp,
    .decode_into = decode_webp_into,
    .decode_rows = nullptr,
    .library_version = webp_version,
    .isolated = false,
};

}  // namespace photoscore
