// Camera RAWs through LibRaw (libraw_r: one LibRaw object per decode, so
// OpenMP threads decode concurrently).
#include <cstring>
#include <string>

#include "image/camera_raw.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

[[noreturn]] void fail(const std::string& what, int code) {
  throw DecodeError(what + ": " + one_line_message(libraw_strerror(code)));
}

struct MemImageFree {
  void operator()(libraw_processed_image_t* image) const { LibRaw::dcraw_clear_mem(image); }
};

RgbImage demosaic(LibRaw& raw, const DecodeLimits& limits) {
  const auto& sizes = raw.imgdata.sizes;
  if (static_cast<std::uint64_t>(sizes.raw_width) * sizes.raw_height > limits.max_pixels) {
    throw DecodeError("RAW sensor of " + std::to_string(sizes.raw_width) + "x" +
                      std::to_string(sizes.raw_height) + " exceeds the pixel limit");
  }
  if (const int rc = raw.unpack(); rc != LIBRAW_SUCCESS) fail("cannot unpack RAW data", rc);
  if (const int rc = raw.dcraw_process(); rc != LIBRAW_SUCCESS) fail("cannot demosaic RAW data", rc);
  int rc = LIBRAW_SUCCESS;
  std::unique_ptr<libraw_processed_image_t, MemImageFree> out(raw.dcraw_make_mem_image(&rc));
  if (!out) fail("cannot demosaic RAW data", rc);
  if (out->type != LIBRAW_IMAGE_BITMAP || out->colors != 3 || out->bits != 8) {
    throw DecodeError("unexpected RAW output (" + std::to_string(out->colors) + " colors, " +
                      std::to_string(out->bits) + " bits)");
  }
  RgbImage image;
  image.width = out->width;
  image.height = out->height;
  image.rgb.assign(out->data, out->data + static_cast<std::size_t>(out->width) * out->height * 3u);
  image.source = "demosaiced";
  return image;
}

// LibRaw 0.20's open_buffer takes a non-const pointer but only reads it.
int open_bytes(LibRaw& raw, std::span<const std::uint8_t> bytes) {
  return raw.open_buffer(const_cast<std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

bool is_camera_raw(std::span<const std::uint8_t> bytes) {
  auto raw = make_libraw();
  return open_bytes(*raw, bytes) == LIBRAW_SUCCESS && raw->imgdata.sizes.raw_width > 0;
}

RgbImage decode_raw(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  auto raw = make_libraw();
  if (const int rc = open_bytes(*raw, bytes); rc != LIBRAW_SUCCESS) {
    fail("not a readable camera RAW", rc);
  }
  if (plan_raw(*raw).use_preview && raw->unpack_thumb() == LIBRAW_SUCCESS &&
      raw->imgdata.thumbnail.tformat == LIBRAW_THUMBNAIL_JPEG) {
    const auto& thumb = raw->imgdata.thumbnail;
    try {
      RgbImage image = decode_jpeg(std::span(reinterpret_cast<const std::uint8_t*>(thumb.thumb),
                                             static_cast<std::size_t>(thumb.tlength)),
                                   limits);
      image.source = "embedded preview";
      return image;
    } catch (const DecodeError&) {
      // A damaged preview does not make the sensor data unusable.
    }
  }
  return demosaic(*raw, limits);
}

}  // namespace photoscore
