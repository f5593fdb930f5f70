#include "image/library_versions.hpp"

#include <libheif/heif.h>
#include <libraw/libraw.h>
#include <png.h>
#include <tiffio.h>
#include <webp/decode.h>

#include <cstdio>

// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

#define PHOTOSCORE_STRINGIFY2(x) #x
#define PHOTOSCORE_STRINGIFY(x) PHOTOSCORE_STRINGIFY2(x)

namespace photoscore {

namespace {

std::string first_line(const char* text) {
  if (!text) return "unknown";
  std::string s(text);
  const auto end = s.find('\n');
  return end == std::string::npos ? s : s.substr(0, end);
}

}  // namespace

std::string image_library_versions() {
  std::string out;
#ifdef LIBJPEG_TURBO_VERSION
  out += "libjpeg-turbo " PHOTOSCORE_STRINGIFY(LIBJPEG_TURBO_VERSION);
#else
  out += "libjpeg " PHOTOSCORE_STRINGIFY(JPEG_LIB_VERSION);
#endif
  out += std::string(", libpng ") + png_get_libpng_ver(nullptr);
  // "LIBTIFF, Version 4.5.0\nCopyright ..." -> "libtiff 4.5.0"
  std::string tiff = first_line(TIFFGetVersion());
  const auto version = tiff.find("Version ");
  out += ", libtiff " + (version == std::string::npos ? tiff : tiff.substr(version + 8));
  const int webp = WebPGetDecoderVersion();
  char text[32];
  std::snprintf(text, sizeof text, "%d.%d.%d", webp >> 16 & 0xff, webp >> 8 & 0xff, webp & 0xff);
  out += std::string(", libwebp ") + text;
  out += std::string(", libheif ") + heif_get_version();
  out += std::string(", LibRaw ") + libraw_version();
  return out;
}

}  // namespace photoscore
