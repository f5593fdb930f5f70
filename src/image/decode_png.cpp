#include <png.h>

#include <algorithm>
#include <array>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "image/codec.hpp"
#include "image/data_proof.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

// How rows come out of libpng before they become RGB. Palette indices and
// 16-bit gray are finished by hand, to give exactly what Pillow gives:
// indices past the PLTE entries read as the gray ramp Pillow pads its palette
// with (libpng would give black), and 16-bit gray, which Pillow opens as 32-bit
// integers, is clipped to 255 rather than reduced to its high byte.
enum class Layout { Rgb, PaletteIndex, Gray16 };

// Owns everything the libpng callbacks touch, so that a longjmp out of them
// never skips a destructor: all of it outlives decode_body.
struct Session {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::uint64_t max_pixels = 0;
  std::uint64_t input_size = 0;
  RgbImage image;
  Layout layout = Layout::Rgb;
  std::array<std::uint8_t, 3 * 256> palette{};
  std::vector<std::uint8_t> scratch;
  std::vector<png_bytep> rows;
  bool too_large = false;
  bool cannot_hold_rows = false;
  bool out_of_memory = false;
  bool started = false;
  // Inflate and unfilter every row but keep none: proves the rows are there
  // before a header's claim is allocated.
  bool dry_run = false;
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

void on_info(png_structp png, png_infop info) {
  auto* s = static_cast<Session*>(png_get_progressive_ptr(png));
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  s->image.width = static_cast<int>(width);
  s->image.height = static_cast<int>(height);
  if (static_cast<std::uint64_t>(width) * height > s->max_pixels) {
    s->too_large = true;
    png_error(png, "image too large");
  }

  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  // Deflate expands at most 1032-fold, so a file too small to hold its rows
  // is refused before a large header makes us allocate for them.
  const std::uint64_t row_bits = std::uint64_t{png_get_channels(png, info)} * bit_depth * width;
  if (((row_bits + 7) / 8 + 1) * height > s->input_size * 1032 + 4096) {
    s->cannot_hold_rows = true;
    png_error(png, "truncated PNG data");
  }
  if (s->dry_run) {
    // Interlaced passes come as they are stored: nothing to spread them over.
    png_read_update_info(png, info);
    s->started = true;
    return;
  }
  std::size_t row_bytes = std::size_t{3} * width;
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    s->layout = Layout::PaletteIndex;
    for (int i = 0; i < 256; ++i) std::fill_n(s->palette.begin() + 3 * i, 3, static_cast<std::uint8_t>(i));
    png_colorp entries = nullptr;
    int count = 0;
    if (png_get_PLTE(png, info, &entries, &count) == PNG_INFO_PLTE) {
      for (int i = 0; i < std::min(count, 256); ++i) {
        s->palette[3 * i] = entries[i].red;
        s->palette[3 * i + 1] = entries[i].green;
        s->palette[3 * i + 2] = entries[i].blue;
      }
    }
    png_set_packing(png);
    row_bytes = width;
  } else if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16) {
    s->layout = Layout::Gray16;
    row_bytes = std::size_t{2} * width;
  } else {
    // tRNS is never turned into alpha: only png_set_tRNS_to_alpha would.
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != row_bytes) png_error(png, "unexpected row layout after conversion");

  // An exception must not unwind through libpng's C frames.
  try {
    s->image.rgb.resize(std::size_t{3} * width * height);
    std::uint8_t* base = s->image.rgb.data();
    if (s->layout != Layout::Rgb) {
      s->scratch.resize(row_bytes * height);
      base = s->scratch.data();
    }
    s->rows.resize(height);
    for (png_uint_32 y = 0; y < height; ++y) s->rows[y] = base + row_bytes * y;
  } catch (const std::bad_alloc&) {
    s->out_of_memory = true;
    png_error(png, "out of memory");
  }
  s->started = true;
}

void on_row(png_structp png, png_bytep new_row, png_uint_32 row_number, int /*pass*/) {
  auto* s = static_cast<Session*>(png_get_progressive_ptr(png));
  // A dry run has no rows to fill.
  if (new_row == nullptr || row_number >= s->rows.size()) return;
  // Merges an interlaced pass into what earlier passes left; copies otherwise.
  png_progressive_combine_row(png, s->rows[row_number], new_row);
}

// The progressive reader consumes whatever data there is and returns when it
// runs out, instead of failing, so a file cut short after its last row (in
// the zlib trailer, a CRC or IEND) still decodes, as it does in Pillow.
// Past the last row libpng is at pass 7 (interlaced) or at row_number ==
// height (not interlaced).
bool rows_complete(const Session& s) {
  if (!s.started) return false;
  if (png_get_interlace_type(s.png, s.info) == PNG_INTERLACE_NONE) {
    return png_get_current_row_number(s.png) >= png_get_image_height(s.png, s.info);
  }
  return png_get_current_pass_number(s.png) >= 7;
}

enum class Outcome { Ok, LibraryError, Truncated };

Outcome decode_body(Session& s, std::span<const std::uint8_t> bytes) {
  if (setjmp(png_jmpbuf(s.png))) return Outcome::LibraryError;
  // Pillow rejects a PNG whose chunk before the image data fails its CRC,
  // ancillary or not; libpng would only warn about an ancillary one.
  png_set_crc_action(s.png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
  png_set_progressive_read_fn(s.png, &s, on_info, on_row, nullptr);
  png_process_data(s.png, s.info, const_cast<png_bytep>(bytes.data()), bytes.size());
  return rows_complete(s) ? Outcome::Ok : Outcome::Truncated;
}

void finish_layout(Session& s) {
  const std::size_t n = s.image.pixels();
  std::uint8_t* out = s.image.rgb.data();
  if (s.layout == Layout::PaletteIndex) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* entry = s.palette.data() + 3 * std::size_t{s.scratch[i]};
      out[3 * i] = entry[0];
      out[3 * i + 1] = entry[1];
      out[3 * i + 2] = entry[2];
    }
  } else if (s.layout == Layout::Gray16) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t g = s.scratch[2 * i] != 0 ? std::uint8_t{255} : s.scratch[2 * i + 1];
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = g;
    }
  }
}

// Decodes into s, or throws the reason it cannot.
void run_session(Session& s, std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  s.max_pixels = limits.max_pixels;
  s.input_size = bytes.size();
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning);
  if (s.png == nullptr) throw DecodeError("cannot initialise libpng");
  s.info = png_create_info_struct(s.png);
  if (s.info == nullptr) throw DecodeError("cannot initialise libpng");

  switch (decode_body(s, bytes)) {
    case Outcome::Ok:
      return;
    case Outcome::Truncated:
      throw DecodeError("truncated PNG data");
    case Outcome::LibraryError:
      break;
  }
  if (s.too_large) {
    throw DecodeError("image is " + std::to_string(s.image.width) + " x " + std::to_string(s.image.height) +
                      " pixels, over the limit of " + std::to_string(limits.max_pixels));
  }
  if (s.cannot_hold_rows) throw DecodeError("truncated PNG data");
  if (s.out_of_memory) throw std::bad_alloc();
  const std::string reason = one_line_message(s.message);
  throw DecodeError(reason.empty() ? "invalid PNG" : "invalid PNG: " + reason);
}

// The width and height in the IHDR chunk, which the decoder weighs and the
// header probe reports; false when the bytes hold no IHDR where PNG puts it.
bool read_ihdr(std::span<const std::uint8_t> bytes, std::uint32_t& width, std::uint32_t& height) {
  if (bytes.size() < 24 || std::memcmp(bytes.data() + 12, "IHDR", 4) != 0) return false;
  auto u32 = [&](std::size_t at) {
    return std::uint32_t{bytes[at]} << 24 | std::uint32_t{bytes[at + 1]} << 16 |
           std::uint32_t{bytes[at + 2]} << 8 | bytes[at + 3];
  };
  width = u32(16);
  height = u32(20);
  return true;
}

// The RGB bytes (and palette or 16-bit scratch) the IHDR chunk claims; 0
// when there is no whole IHDR to read, which libpng then reports.
std::uint64_t claimed_bytes(std::span<const std::uint8_t> bytes) {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  if (bytes.size() < 33 || !read_ihdr(bytes, width, height)) return 0;
  return std::uint64_t{width} * height * 5;
}

}  // namespace

RgbImage decode_png(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  // Deflate packs a thousand zero bytes into one, and a 1-bit row becomes 24
  // bits of RGB: 60 KB can claim gigabytes. Such a claim is believed once
  // the rows have been inflated without being kept.
  if (needs_proof(claimed_bytes(bytes), bytes.size())) {
    Session proof;
    proof.dry_run = true;
    run_session(proof, bytes, limits);
  }
  Session s;
  run_session(s, bytes, limits);
  finish_layout(s);
  return std::move(s.image);
}

namespace {

bool sniff_png(ByteSpan bytes) {
  static constexpr std::uint8_t kMagic[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  return bytes_at(bytes, 0, kMagic);
}

bool probe_png(const ProbeSource& source, ImageProbe& probe) {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  if (!read_ihdr(source.prefix, width, height)) return false;
  probe.width = static_cast<int>(width);
  probe.height = static_cast<int>(height);
  return true;
}

std::string png_version() { return std::string("libpng ") + png_get_libpng_ver(nullptr); }

constexpr std::string_view kExtensions[] = {".png"};

}  // namespace

extern const Codec kPngCodec;
constinit const Codec kPngCodec{
    .format = ImageFormat::Png,
    .name = "PNG",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 1,
    .sniff = sniff_png,
    .settle = nullptr,
    .probe = probe_png,
    .decode = decode_png,
    .decode_into = nullptr,
    .decode_rows = nullptr,
    .library_version = png_version,
    .isolated = false,
};

}  // namespace photoscore
