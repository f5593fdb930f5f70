#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {

namespace {

// libtiff reports through process-wide handlers that print to stderr. They
// are replaced once by ones that keep the latest error of the calling thread,
// which is the thread decoding, so concurrent decodes do not mix messages.
thread_local std::string t_last_error;

void on_error(const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  t_last_error = text;
  if (module != nullptr && *module != '\0' && std::strcmp(module, "photoscore") != 0) {
    t_last_error = std::string(module) + ": " + t_last_error;
  }
}

void on_warning(const char* /*module*/, const char* /*fmt*/, va_list /*ap*/) {}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(on_error);
    TIFFSetWarningHandler(on_warning);
  });
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '.')) text.pop_back();
  if (text.size() >= 2 && text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  const std::string reason = one_line(detail.empty() ? t_last_error : detail);
  throw DecodeError(reason.empty() ? what : what + ": " + reason);
}

struct MemoryFile {
  const std::uint8_t* data;
  std::uint64_t size;
  std::uint64_t pos;
};

tmsize_t read_proc(thandle_t handle, void* buffer, tmsize_t length) {
  auto* file = static_cast<MemoryFile*>(handle);
  if (length <= 0 || file->pos >= file->size) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(static_cast<std::uint64_t>(length), file->size - file->pos);
  std::memcpy(buffer, file->data + file->pos, n);
  file->pos += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t write_proc(thandle_t /*handle*/, void* /*buffer*/, tmsize_t /*length*/) { return -1; }

toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
  auto* file = static_cast<MemoryFile*>(handle);
  std::uint64_t base = 0;
  if (whence == SEEK_CUR) {
    base = file->pos;
  } else if (whence == SEEK_END) {
    base = file->size;
  } else if (whence != SEEK_SET) {
    return static_cast<toff_t>(-1);
  }
  // toff_t is unsigned: SEEK_CUR/SEEK_END with a negative offset wraps around.
  file->pos = base + offset;
  return file->pos;
}

int close_proc(thandle_t /*handle*/) { return 0; }

toff_t size_proc(thandle_t handle) { return static_cast<MemoryFile*>(handle)->size; }

// No mapping: libtiff then reads through read_proc and never needs a
// writable view of the caller's bytes.
int map_proc(thandle_t /*handle*/, void** /*base*/, toff_t* /*size*/) { return 0; }

void unmap_proc(thandle_t /*handle*/, void* /*base*/, toff_t /*size*/) {}

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};

struct RgbaImageEnd {
  void operator()(TIFFRGBAImage* img) const { TIFFRGBAImageEnd(img); }
};

}  // namespace

RgbImage decode_tiff(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  install_handlers();
  t_last_error.clear();
  MemoryFile file{bytes.data(), bytes.size(), 0};
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpen("photoscore", "rm", &file, read_proc, write_proc, seek_proc,
                                                       close_proc, size_proc, map_proc, unmap_proc));
  if (!tif) fail("invalid TIFF", "");

  std::uint32_t width = 0;
  std::uint32_t height = 0;
  if (TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width) != 1 ||
      TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height) != 1 || width == 0 || height == 0) {
    throw DecodeError("invalid TIFF: missing or zero image size");
  }
  if (static_cast<std::uint64_t>(width) * height > limits.max_pixels) {
    throw DecodeError("image is " + std::to_string(width) + " x " + std::to_string(height) +
                      " pixels, over the limit of " + std::to_string(limits.max_pixels));
  }
  if (width > static_cast<std::uint32_t>(INT32_MAX / 4) || height > static_cast<std::uint32_t>(INT32_MAX)) {
    throw DecodeError("invalid TIFF: image size out of range");
  }

  // The RGBA reader premultiplies unassociated alpha, where Pillow drops the
  // alpha and keeps the colour as stored: call it associated, which the
  // reader copies untouched. Associated alpha Pillow un-premultiplies.
  bool unpremultiply = false;
  std::uint16_t extra_count = 0;
  std::uint16_t* extra_types = nullptr;
  if (TIFFGetField(tif.get(), TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types) == 1 && extra_count >= 1 &&
      extra_types != nullptr) {
    if (extra_types[0] == EXTRASAMPLE_ASSOCALPHA) {
      unpremultiply = true;
    } else if (extra_types[0] == EXTRASAMPLE_UNASSALPHA) {
      std::vector<std::uint16_t> types(extra_types, extra_types + extra_count);
      types[0] = EXTRASAMPLE_ASSOCALPHA;
      TIFFSetField(tif.get(), TIFFTAG_EXTRASAMPLES, extra_count, types.data());
    }
  }

  // Pillow ignores the Orientation tag and returns the rows as stored; so
  // does the RGBA reader once told that the stored orientation is wanted.
  char message[1024] = {};
  if (TIFFRGBAImageOK(tif.get(), message) != 1) fail("unsupported TIFF", message);
  TIFFRGBAImage img{};
  if (TIFFRGBAImageBegin(&img, tif.get(), 1, message) != 1) fail("unsupported TIFF", message);
  std::unique_ptr<TIFFRGBAImage, RgbaImageEnd> img_guard(&img);
  img.req_orientation = img.orientation;

  // Read in bands of whole strips or tiles, so a band never re-decodes one
  // and the RGBA scratch stays a few megabytes however large the image.
  std::uint32_t unit = 0;
  if (TIFFIsTiled(tif.get())) {
    TIFFGetField(tif.get(), TIFFTAG_TILELENGTH, &unit);
  } else {
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_ROWSPERSTRIP, &unit);
  }
  unit = std::clamp<std::uint32_t>(unit, 1, height);
  const std::uint32_t wanted_rows = std::max<std::uint32_t>(1, (1u << 22) / width);
  const std::uint32_t band = std::min(height, (wanted_rows + unit - 1) / unit * unit);
  std::vector<std::uint32_t> raster(static_cast<std::size_t>(width) * band);

  RgbImage image;
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.rgb.resize(std::size_t{3} * width * height);
  for (std::uint32_t y0 = 0; y0 < height; y0 += band) {
    const std::uint32_t rows = std::min(band, height - y0);
    img.row_offset = static_cast<int>(y0);
    img.col_offset = 0;
    t_last_error.clear();
    if (TIFFRGBAImageGet(&img, raster.data(), width, rows) != 1) fail("invalid TIFF", "");
    std::uint8_t* out = image.rgb.data() + std::size_t{3} * width * y0;
    const std::size_t count = static_cast<std::size_t>(width) * rows;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t px = raster[i];
      std::uint32_t rgb[3] = {TIFFGetR(px), TIFFGetG(px), TIFFGetB(px)};
      if (unpremultiply) {
        const std::uint32_t a = TIFFGetA(px);
        for (std::uint32_t& v : rgb) v = a == 0 ? 0 : std::min<std::uint32_t>(255, v * 255 / a);
      }
      out[3 * i] = static_cast<std::uint8_t>(rgb[0]);
      out[3 * i + 1] = static_cast<std::uint8_t>(rgb[1]);
      out[3 * i + 2] = static_cast<std::uint8_t>(rgb[2]);
    }
  }
  return image;
}

}  // namespace photoscore
