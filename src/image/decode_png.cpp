#include <png.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {

namespace {

struct Session {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::span<const std::uint8_t> bytes;
  std::size_t pos = 0;
  bool truncated = false;
  char message[256] = {};
  ~Session() {
    if (png != nullptr) png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
  }
};

// libpng falls back to printing and jumping itself if this returns, so the
// message is kept and the jump taken here.
[[noreturn]] void on_error(png_structp png, png_const_charp text) {
  auto* s = static_cast<Session*>(png_get_error_ptr(png));
  std::snprintf(s->message, sizeof s->message, "%s", text != nullptr ? text : "");
  png_longjmp(png, 1);
}

void on_warning(png_structp /*png*/, png_const_charp /*text*/) {}

void read_bytes(png_structp png, png_bytep out, png_size_t length) {
  auto* s = static_cast<Session*>(png_get_io_ptr(png));
  if (s->bytes.size() - s->pos < length) {
    s->truncated = true;
    png_error(png, "truncated PNG data");
  }
  std::memcpy(out, s->bytes.data() + s->pos, length);
  s->pos += length;
}

// How rows come out of libpng before they become RGB. Palette indices and
// 16-bit gray are finished by hand, to give exactly what Pillow gives:
// indices past the PLTE entries read as the gray ramp Pillow pads its palette
// with (libpng would give black), and 16-bit gray, which Pillow opens as 32-bit
// integers, is clipped to 255 rather than reduced to its high byte.
enum class Layout { Rgb, PaletteIndex, Gray16 };

enum class Outcome { Ok, LibraryError, TooLarge };

struct Decoded {
  Layout layout = Layout::Rgb;
  std::array<std::uint8_t, 3 * 256> palette{};
};

// Everything that a longjmp can cross is owned by the caller: no object with
// a destructor is created between setjmp and the jump.
Outcome decode_body(Session& s, std::uint64_t max_pixels, RgbImage& image, std::vector<std::uint8_t>& scratch,
                    std::vector<png_bytep>& rows, Decoded& decoded) {
  if (setjmp(png_jmpbuf(s.png))) return Outcome::LibraryError;
  png_set_read_fn(s.png, &s, read_bytes);
  // Pillow rejects a PNG whose chunk before the image data fails its CRC,
  // ancillary or not; libpng would only warn about an ancillary one.
  png_set_crc_action(s.png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
  png_read_info(s.png, s.info);

  const png_uint_32 width = png_get_image_width(s.png, s.info);
  const png_uint_32 height = png_get_image_height(s.png, s.info);
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  if (static_cast<std::uint64_t>(width) * height > max_pixels) return Outcome::TooLarge;

  const int color_type = png_get_color_type(s.png, s.info);
  const int bit_depth = png_get_bit_depth(s.png, s.info);
  std::size_t row_bytes = std::size_t{3} * width;
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    decoded.layout = Layout::PaletteIndex;
    for (int i = 0; i < 256; ++i) {
      std::fill_n(decoded.palette.begin() + 3 * i, 3, static_cast<std::uint8_t>(i));
    }
    png_colorp entries = nullptr;
    int count = 0;
    if (png_get_PLTE(s.png, s.info, &entries, &count) == PNG_INFO_PLTE) {
      for (int i = 0; i < std::min(count, 256); ++i) {
        decoded.palette[3 * i] = entries[i].red;
        decoded.palette[3 * i + 1] = entries[i].green;
        decoded.palette[3 * i + 2] = entries[i].blue;
      }
    }
    png_set_packing(s.png);
    row_bytes = width;
  } else if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16) {
    decoded.layout = Layout::Gray16;
    row_bytes = std::size_t{2} * width;
  } else {
    // tRNS is never turned into alpha: only png_set_tRNS_to_alpha would.
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(s.png);
    png_set_strip_16(s.png);
    png_set_strip_alpha(s.png);
    png_set_gray_to_rgb(s.png);
  }
  png_set_interlace_handling(s.png);
  png_read_update_info(s.png, s.info);
  if (png_get_rowbytes(s.png, s.info) != row_bytes) {
    std::snprintf(s.message, sizeof s.message, "unexpected row layout after conversion");
    return Outcome::LibraryError;
  }

  std::uint8_t* base = nullptr;
  image.rgb.resize(std::size_t{3} * width * height);
  if (decoded.layout == Layout::Rgb) {
    base = image.rgb.data();
  } else {
    scratch.resize(row_bytes * height);
    base = scratch.data();
  }
  rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = base + row_bytes * y;
  // Not png_read_end: chunks after the image data do not change the pixels,
  // and Pillow does not require them to be intact.
  png_read_image(s.png, rows.data());
  return Outcome::Ok;
}

void finish_layout(const Decoded& decoded, const std::vector<std::uint8_t>& scratch, RgbImage& image) {
  const std::size_t n = image.pixels();
  std::uint8_t* out = image.rgb.data();
  if (decoded.layout == Layout::PaletteIndex) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* entry = decoded.palette.data() + 3 * std::size_t{scratch[i]};
      out[3 * i] = entry[0];
      out[3 * i + 1] = entry[1];
      out[3 * i + 2] = entry[2];
    }
  } else if (decoded.layout == Layout::Gray16) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t g = scratch[2 * i] != 0 ? std::uint8_t{255} : scratch[2 * i + 1];
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = g;
    }
  }
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

}  // namespace

RgbImage decode_png(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  Session s;
  s.bytes = bytes;
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning);
  if (s.png == nullptr) throw DecodeError("cannot initialise libpng");
  s.info = png_create_info_struct(s.png);
  if (s.info == nullptr) throw DecodeError("cannot initialise libpng");

  RgbImage image;
  std::vector<std::uint8_t> scratch;
  std::vector<png_bytep> rows;
  Decoded decoded;
  switch (decode_body(s, limits.max_pixels, image, scratch, rows, decoded)) {
    case Outcome::Ok:
      finish_layout(decoded, scratch, image);
      return image;
    case Outcome::TooLarge:
      throw DecodeError("image is " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                        " pixels, over the limit of " + std::to_string(limits.max_pixels));
    case Outcome::LibraryError:
      break;
  }
  if (s.truncated) throw DecodeError("truncated PNG data");
  const std::string reason = one_line(s.message);
  throw DecodeError(reason.empty() ? "invalid PNG" : "invalid PNG: " + reason);
}

}  // namespace photoscore
