#include "image/thumbnail.hpp"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <vector>

// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

#include "image/capture_time.hpp"
#include "image/orientation.hpp"

namespace photoscore {

namespace {

struct EncodeError {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
};

[[noreturn]] void on_encode_error(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<EncodeError*>(cinfo->err)->jump, 1);
}

}  // namespace

RgbImage shrink_to_fit(const RgbImage& image, int max_side) {
  const int long_side = std::max(image.width, image.height);
  if (long_side <= max_side || image.width <= 0 || image.height <= 0) return image;
  RgbImage out;
  out.width = std::max(1, static_cast<int>(static_cast<long long>(image.width) * max_side / long_side));
  out.height = std::max(1, static_cast<int>(static_cast<long long>(image.height) * max_side / long_side));
  out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
  // Each output pixel averages the input pixels its box covers: no aliasing
  // from the fine detail a sharp photo is full of.
  for (int y = 0; y < out.height; ++y) {
    const int y0 = static_cast<int>(static_cast<long long>(y) * image.height / out.height);
    const int y1 =
        std::max(y0 + 1, static_cast<int>(static_cast<long long>(y + 1) * image.height / out.height));
    for (int x = 0; x < out.width; ++x) {
      const int x0 = static_cast<int>(static_cast<long long>(x) * image.width / out.width);
      const int x1 =
          std::max(x0 + 1, static_cast<int>(static_cast<long long>(x + 1) * image.width / out.width));
      std::uint64_t sum[3] = {0, 0, 0};
      for (int yy = y0; yy < y1; ++yy) {
        const std::uint8_t* p = image.rgb.data() + (static_cast<std::size_t>(yy) * image.width + x0) * 3;
        for (int xx = x0; xx < x1; ++xx, p += 3) {
          sum[0] += p[0];
          sum[1] += p[1];
          sum[2] += p[2];
        }
      }
      const std::uint64_t n = static_cast<std::uint64_t>(y1 - y0) * static_cast<std::uint64_t>(x1 - x0);
      std::uint8_t* q = out.rgb.data() + (static_cast<std::size_t>(y) * out.width + x) * 3;
      for (int c = 0; c < 3; ++c) q[c] = static_cast<std::uint8_t>((sum[c] + n / 2) / n);
    }
  }
  return out;
}

std::string encode_jpeg(const RgbImage& image, int quality) {
  jpeg_compress_struct cinfo{};
  EncodeError err{};
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_encode_error;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    throw DecodeError("cannot encode a thumbnail");
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(image.rgb.data() +
                                        static_cast<std::size_t>(cinfo.next_scanline) * image.width * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return out;
}

Thumbnail photo_thumbnail(std::span<const std::uint8_t> bytes, int max_side, int quality,
                          const DecodeLimits& job_limits) {
  DecodeLimits limits = job_limits;
  limits.jpeg_min_long_side = max_side;
  limits.borrow_helper_pixels = false;  // shrink_to_fit reads image.rgb
  Thumbnail out;
  // Only a JPEG has an Exif block found here: jpeg_exif_block is empty for
  // anything else (a TIFF is oriented by its decoder, HEIC by libheif).
  out.exif = exif_details(jpeg_exif_block(bytes));
  // Shrunk first: turning 256 pixels costs nothing next to the decode.
  out.jpeg = encode_jpeg(apply_orientation(shrink_to_fit(decode_image(bytes, limits), max_side),
                                           static_cast<std::uint16_t>(out.exif.orientation)),
                         quality);
  return out;
}

std::string jpeg_thumbnail(std::span<const std::uint8_t> bytes, int max_side, int quality,
                           const DecodeLimits& limits) {
  return photo_thumbnail(bytes, max_side, quality, limits).jpeg;
}

}  // namespace photoscore
