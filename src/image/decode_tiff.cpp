#include <tiffio.h>

#include <algorithm>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "image/capture_time.hpp"
#include "image/data_proof.hpp"
#include "image/decode.hpp"
#include "image/orientation.hpp"

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

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  const std::string reason = one_line_message(detail.empty() ? t_last_error : detail);
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

// The bytes are already in memory, so they are "mapped": libtiff then uses
// an uncompressed strip or tile in place, and only a mapped file lets it
// read an uncompressed tile whose size is not a multiple of 1 KiB (its read
// buffer is rounded up to 1 KiB, which it then takes for a bad byte count).
// libtiff never writes to a map (its own maps are read-only mmaps), so the
// const_cast hands it nothing it changes.
int map_proc(thandle_t handle, void** base, toff_t* size) {
  auto* file = static_cast<MemoryFile*>(handle);
  *base = const_cast<std::uint8_t*>(file->data);
  *size = file->size;
  return 1;
}

void unmap_proc(thandle_t /*handle*/, void* /*base*/, toff_t /*size*/) {}

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};

struct RgbaImageEnd {
  void operator()(TIFFRGBAImage* img) const { TIFFRGBAImageEnd(img); }
};

// The most bytes one stored byte can decode to, per compression; 0 where
// there is no useful bound (CCITT codes a blank row in a few bits).
std::uint64_t max_expansion(std::uint16_t compression) {
  switch (compression) {
    case COMPRESSION_NONE:
      return 1;
    case COMPRESSION_PACKBITS:
      return 64;  // 2 bytes repeat one up to 128 times
    case COMPRESSION_ADOBE_DEFLATE:
    case COMPRESSION_DEFLATE:
      return 1032;  // deflate's limit
    case COMPRESSION_LZW:
      return 2731;  // a 12-bit code stands for at most 4096 bytes
    case COMPRESSION_JPEG:
      return 2048;  // Huffman spends a bit a block; 64 samples of up to 4 bytes
    case COMPRESSION_ZSTD:
      return 33000;  // libtiff's own bound for its checks
    case COMPRESSION_LZMA:
      return 7000;  // likewise
    default:
      return 0;
  }
}

// Throws unless the strips or tiles can hold the image the header claims.
// Where the compression bounds what a stored byte gives, the stored sizes
// tell; otherwise every strip is decoded into one strip's scratch first.
// Either way nothing the size of the image is allocated before the data
// has shown it is there.
void prove_data(TIFF* tif, std::uint32_t height, std::uint64_t file_size) {
  const bool tiled = TIFFIsTiled(tif) != 0;
  const std::uint32_t count = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
  std::uint32_t rows_per_strip = 0;
  TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  rows_per_strip = std::clamp<std::uint32_t>(rows_per_strip, 1, height);
  const std::uint32_t strips_per_plane = (height - 1) / rows_per_strip + 1;
  std::uint64_t stored = 0;
  std::uint64_t raw = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t offset = TIFFGetStrileOffset(tif, i);
    const std::uint64_t bytes = TIFFGetStrileByteCount(tif, i);
    stored += offset < file_size ? std::min(bytes, file_size - offset) : 0;
    if (tiled) {
      raw += static_cast<std::uint64_t>(TIFFTileSize64(tif));
    } else {
      const std::uint32_t first = i % strips_per_plane * rows_per_strip;
      raw += TIFFVStripSize64(tif, std::min(rows_per_strip, height - first));
    }
  }
  std::uint16_t compression = COMPRESSION_NONE;
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
  const std::uint64_t expansion = max_expansion(compression);
  if (expansion != 0) {
    if (stored > raw / expansion) return;
    throw DecodeError("truncated TIFF data: " + std::to_string(stored) + " bytes of strips cannot hold " +
                      std::to_string(raw) + " bytes of samples");
  }
  if (TIFFIsCODECConfigured(compression) == 0) {
    throw DecodeError("unsupported TIFF compression " + std::to_string(compression));
  }
  const tmsize_t block = tiled ? TIFFTileSize(tif) : TIFFStripSize(tif);
  if (block <= 0) fail("invalid TIFF", "");
  // A strip this large is itself a claim nothing has checked yet.
  if (static_cast<std::uint64_t>(block) > kUnprovenOutputBytes) {
    throw DecodeError("unsupported TIFF: a strip of " + std::to_string(block) + " bytes under compression " +
                      std::to_string(compression));
  }
  // Not zeroed: pages a short strip never reaches are never touched.
  const auto scratch = std::make_unique_for_overwrite<std::uint8_t[]>(static_cast<std::size_t>(block));
  for (std::uint32_t i = 0; i < count; ++i) {
    t_last_error.clear();
    const tmsize_t got = tiled ? TIFFReadEncodedTile(tif, i, scratch.get(), block)
                               : TIFFReadEncodedStrip(tif, i, scratch.get(), block);
    if (got < 0)
      fail("invalid TIFF", t_last_error.empty() ? "cannot decode strip or tile " + std::to_string(i) : "");
  }
}

RgbImage blank_image(std::uint32_t width, std::uint32_t height) {
  RgbImage image;
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.rgb.resize(std::size_t{3} * width * height);
  return image;
}

// Everything else goes through libtiff's RGBA reader, which gives Pillow's
// bytes for 8-bit RGB, gray, palette, bilevel and JPEG-compressed files.
RgbImage read_through_rgba(TIFF* tif, std::uint32_t width, std::uint32_t height) {
  // The RGBA reader premultiplies unassociated alpha, where Pillow drops the
  // alpha and keeps the colour as stored: call it associated, which the
  // reader copies untouched. Associated alpha Pillow un-premultiplies.
  bool unpremultiply = false;
  std::uint16_t extra_count = 0;
  std::uint16_t* extra_types = nullptr;
  if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra_types) == 1 && extra_count >= 1 &&
      extra_types != nullptr) {
    if (extra_types[0] == EXTRASAMPLE_ASSOCALPHA) {
      unpremultiply = true;
    } else if (extra_types[0] == EXTRASAMPLE_UNASSALPHA) {
      std::vector<std::uint16_t> types(extra_types, extra_types + extra_count);
      types[0] = EXTRASAMPLE_ASSOCALPHA;
      TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, extra_count, types.data());
    }
  }

  char message[1024] = {};
  if (TIFFRGBAImageOK(tif, message) != 1) fail("unsupported TIFF", message);
  TIFFRGBAImage img{};
  if (TIFFRGBAImageBegin(&img, tif, 1, message) != 1) fail("unsupported TIFF", message);
  std::unique_ptr<TIFFRGBAImage, RgbaImageEnd> img_guard(&img);
  // Rows as stored, top first: orientation is applied afterwards, Pillow's way.
  img.req_orientation = img.orientation;

  // Read in bands of whole strips or tiles, so a band never re-decodes one
  // and the RGBA scratch stays a few megabytes however large the image.
  std::uint32_t unit = 0;
  if (TIFFIsTiled(tif)) {
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &unit);
  } else {
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &unit);
  }
  unit = std::clamp<std::uint32_t>(unit, 1, height);
  const std::uint32_t wanted_rows = std::max<std::uint32_t>(1, (1u << 22) / width);
  const std::uint32_t band = std::min(height, (wanted_rows + unit - 1) / unit * unit);
  std::vector<std::uint32_t> raster(static_cast<std::size_t>(width) * band);

  RgbImage image = blank_image(width, height);
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

// Sample layouts read as stored, sample by sample (nothing to do with
// camera RAW), because libtiff's RGBA reader differs from Pillow on them: Pillow keeps the high byte of
// 16-bit RGB where the reader rounds; it opens 16-bit gray as integers that its RGB conversion clips to 255;
// and its CMYK conversion rounds where the reader truncates.
enum class SampleLayout { Gray16, Rgb16, Cmyk8 };

template <typename Sample>
void convert_samples(const Sample* in, std::uint8_t* out, std::uint32_t count, std::uint16_t samples,
                     SampleLayout kind) {
  for (std::uint32_t x = 0; x < count; ++x, in += samples, out += 3) {
    if (kind == SampleLayout::Gray16) {
      out[0] = out[1] = out[2] = static_cast<std::uint8_t>(std::min<unsigned>(in[0], 255));
    } else if (kind == SampleLayout::Rgb16) {
      for (int c = 0; c < 3; ++c) out[c] = static_cast<std::uint8_t>(in[c] >> 8);
    } else {
      const unsigned nk = 255u - in[3];
      for (int c = 0; c < 3; ++c) {
        const unsigned t = in[c] * nk + 128u;
        out[c] = static_cast<std::uint8_t>(nk - (((t >> 8) + t) >> 8));
      }
    }
  }
}

RgbImage read_samples(TIFF* tif, std::uint32_t width, std::uint32_t height, std::uint16_t samples,
                      SampleLayout kind) {
  const bool tiled = TIFFIsTiled(tif) != 0;
  std::uint32_t block_w = width;
  std::uint32_t block_h = 0;
  if (tiled) {
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &block_w);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &block_h);
  } else {
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &block_h);
    block_h = std::clamp<std::uint32_t>(block_h, 1, height);
  }
  if (block_w == 0 || block_h == 0) throw DecodeError("invalid TIFF: zero tile size");
  const std::uint64_t sample_bytes = kind == SampleLayout::Cmyk8 ? 1 : 2;
  const tmsize_t block_size = tiled ? TIFFTileSize(tif) : TIFFStripSize(tif);
  if (block_size <= 0 ||
      static_cast<std::uint64_t>(block_size) < sample_bytes * samples * block_w * block_h) {
    throw DecodeError("invalid TIFF: inconsistent strip or tile size");
  }
  // uint16_t storage keeps 16-bit samples aligned; libtiff has already put
  // them in host byte order.
  std::vector<std::uint16_t> block(static_cast<std::size_t>(block_size + 1) / 2);
  const std::size_t row_samples = std::size_t{samples} * block_w;

  RgbImage image = blank_image(width, height);
  for (std::uint32_t by = 0; by < height; by += block_h) {
    for (std::uint32_t bx = 0; bx < width; bx += block_w) {
      t_last_error.clear();
      const tmsize_t got =
          tiled ? TIFFReadEncodedTile(tif, TIFFComputeTile(tif, bx, by, 0, 0), block.data(), block_size)
                : TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, by, 0), block.data(), block_size);
      if (got < 0) fail("invalid TIFF", "");
      const std::uint32_t rows = std::min(block_h, height - by);
      const std::uint32_t cols = std::min(block_w, width - bx);
      for (std::uint32_t r = 0; r < rows; ++r) {
        std::uint8_t* out = image.rgb.data() + 3 * (std::size_t{width} * (by + r) + bx);
        if (kind == SampleLayout::Cmyk8) {
          const auto* in = reinterpret_cast<const std::uint8_t*>(block.data()) + row_samples * r;
          convert_samples(in, out, cols, samples, kind);
        } else {
          convert_samples(block.data() + row_samples * r, out, cols, samples, kind);
        }
      }
    }
  }
  return image;
}

}  // namespace

RgbImage decode_tiff(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  install_handlers();
  t_last_error.clear();
  MemoryFile file{bytes.data(), bytes.size(), 0};
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpen("photoscore", "r", &file, read_proc, write_proc,
                                                       seek_proc, close_proc, size_proc, map_proc,
                                                       unmap_proc));
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

  if (needs_proof(std::uint64_t{3} * width * height, bytes.size()))
    prove_data(tif.get(), height, bytes.size());

  std::uint16_t bits = 0;
  std::uint16_t samples = 0;
  std::uint16_t sample_format = 0;
  std::uint16_t planar = 0;
  std::uint16_t photometric = 0;
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLEFORMAT, &sample_format);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_PLANARCONFIG, &planar);
  const bool has_photometric = TIFFGetField(tif.get(), TIFFTAG_PHOTOMETRIC, &photometric) == 1;
  std::uint16_t ink_set = INKSET_CMYK;
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_INKSET, &ink_set);
  const bool contig = planar == PLANARCONFIG_CONTIG || samples == 1;
  std::optional<SampleLayout> layout;
  if (has_photometric && contig && sample_format == SAMPLEFORMAT_UINT) {
    if (bits == 16 && photometric == PHOTOMETRIC_MINISBLACK && samples == 1) layout = SampleLayout::Gray16;
    if (bits == 16 && photometric == PHOTOMETRIC_RGB && samples >= 3) layout = SampleLayout::Rgb16;
    if (bits == 8 && photometric == PHOTOMETRIC_SEPARATED && ink_set == INKSET_CMYK && samples >= 4) {
      layout = SampleLayout::Cmyk8;
    }
  }

  RgbImage stored = layout ? read_samples(tif.get(), width, height, samples, *layout)
                           : read_through_rgba(tif.get(), width, height);
  std::uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetField(tif.get(), TIFFTAG_ORIENTATION, &orientation);
  RgbImage image = apply_orientation(std::move(stored), orientation);
  // Exiv2 reads the TIFF's Exif IFD from the same bytes, here where the
  // photo is decoded (a decoder helper), and it travels with the pixels.
  image.capture_time = capture_time_text(file_capture_time(bytes).time);
  return image;
}

}  // namespace photoscore
