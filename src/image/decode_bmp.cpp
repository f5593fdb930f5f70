#include <algorithm>
#include <array>
#include <string>

#include "image/codec.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

constexpr std::uint64_t kFileHeaderSize = 14;
constexpr std::uint32_t kBiRgb = 0;
constexpr std::uint32_t kBiBitfields = 3;

std::uint32_t u16_at(std::span<const std::uint8_t> b, std::uint64_t at) {
  return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8;
}

std::uint32_t u32_at(std::span<const std::uint8_t> b, std::uint64_t at) {
  return u16_at(b, at) | u16_at(b, at + 2) << 16;
}

// How each pixel becomes RGB. Where Pillow reads a layout, the result is
// Pillow's: 5-bit and 6-bit fields scale as v * 255 / max, truncated.
enum class PixelKind { Indexed, Rgb555, Rgb565, Bgr24, Bytes32 };

struct Layout {
  PixelKind kind = PixelKind::Indexed;
  // For Bytes32: which byte of the little-endian pixel holds R, G and B.
  std::array<int, 3> byte_of{2, 1, 0};
};

int byte_of_mask(std::uint32_t mask) {
  for (int k = 0; k < 4; ++k) {
    if (mask == 0xFFu << (8 * k)) return k;
  }
  return -1;
}

Layout pick_layout(std::uint32_t bits, std::uint32_t compression, const std::array<std::uint32_t, 3>& masks) {
  Layout layout;
  if (compression != kBiRgb && compression != kBiBitfields) {
    throw DecodeError("unsupported BMP compression " + std::to_string(compression));
  }
  const bool bitfields = compression == kBiBitfields;
  if (bits == 1 || bits == 2 || bits == 4 || bits == 8) {
    if (bitfields) throw DecodeError("unsupported BMP bitfields for " + std::to_string(bits) + "-bit pixels");
    layout.kind = PixelKind::Indexed;
  } else if (bits == 16) {
    layout.kind = PixelKind::Rgb555;
    if (bitfields) {
      if (masks == std::array<std::uint32_t, 3>{0xF800, 0x07E0, 0x001F}) {
        layout.kind = PixelKind::Rgb565;
      } else if (masks != std::array<std::uint32_t, 3>{0x7C00, 0x03E0, 0x001F}) {
        throw DecodeError("unsupported BMP bitfields layout");
      }
    }
  } else if (bits == 24) {
    if (bitfields && masks != std::array<std::uint32_t, 3>{0xFF0000, 0x00FF00, 0x0000FF}) {
      throw DecodeError("unsupported BMP bitfields layout");
    }
    layout.kind = PixelKind::Bgr24;
  } else if (bits == 32) {
    layout.kind = PixelKind::Bytes32;
    // Pillow reads all-zero masks as plain BGRA.
    if (bitfields && masks != std::array<std::uint32_t, 3>{0, 0, 0}) {
      for (int c = 0; c < 3; ++c) {
        layout.byte_of[c] = byte_of_mask(masks[c]);
        if (layout.byte_of[c] < 0) throw DecodeError("unsupported BMP bitfields layout");
      }
    }
  } else {
    throw DecodeError("unsupported BMP bit depth " + std::to_string(bits));
  }
  return layout;
}

void convert_row(const std::uint8_t* in, std::uint8_t* out, int width, std::uint32_t bits,
                 const Layout& layout, const std::array<std::uint8_t, 3 * 256>& palette) {
  for (int x = 0; x < width; ++x, out += 3) {
    switch (layout.kind) {
      case PixelKind::Indexed: {
        const std::size_t bit = static_cast<std::size_t>(x) * bits;
        const unsigned shift = 8u - bits - static_cast<unsigned>(bit % 8);
        const unsigned index = (in[bit / 8] >> shift) & ((1u << bits) - 1u);
        std::copy_n(palette.begin() + 3 * index, 3, out);
        break;
      }
      case PixelKind::Rgb555:
      case PixelKind::Rgb565: {
        const std::uint32_t v =
            static_cast<std::uint32_t>(in[2 * x]) | static_cast<std::uint32_t>(in[2 * x + 1]) << 8;
        const bool is565 = layout.kind == PixelKind::Rgb565;
        out[0] = static_cast<std::uint8_t>(((v >> (is565 ? 11 : 10)) & 31) * 255 / 31);
        out[1] = static_cast<std::uint8_t>(is565 ? ((v >> 5) & 63) * 255 / 63 : ((v >> 5) & 31) * 255 / 31);
        out[2] = static_cast<std::uint8_t>((v & 31) * 255 / 31);
        break;
      }
      case PixelKind::Bgr24:
        out[0] = in[3 * x + 2];
        out[1] = in[3 * x + 1];
        out[2] = in[3 * x];
        break;
      case PixelKind::Bytes32:
        out[0] = in[4 * x + layout.byte_of[0]];
        out[1] = in[4 * x + layout.byte_of[1]];
        out[2] = in[4 * x + layout.byte_of[2]];
        break;
    }
  }
}

// Width and height from the info header, which starts after the 14-byte
// file header: 16-bit sides in an OS/2 1.x core header (12 bytes), signed
// 32-bit ones in the Windows headers, a negative height meaning the rows are
// stored top-down. The caller has checked the bytes hold the header.
struct BmpSides {
  std::int64_t width = 0;
  std::int64_t height = 0;
  bool top_down = false;
};

BmpSides read_sides(std::span<const std::uint8_t> bytes) {
  BmpSides sides;
  if (u32_at(bytes, kFileHeaderSize) == 12) {
    sides.width = u16_at(bytes, kFileHeaderSize + 4);
    sides.height = u16_at(bytes, kFileHeaderSize + 6);
  } else {
    sides.width = static_cast<std::int32_t>(u32_at(bytes, kFileHeaderSize + 4));
    sides.height = static_cast<std::int32_t>(u32_at(bytes, kFileHeaderSize + 8));
  }
  sides.top_down = sides.height < 0;
  if (sides.top_down) sides.height = -sides.height;
  return sides;
}

}  // namespace

RgbImage decode_bmp(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  const std::uint64_t size = bytes.size();
  if (size < kFileHeaderSize + 4) throw DecodeError("truncated BMP header");
  const std::uint64_t header_size = u32_at(bytes, 14);
  // 12: OS/2 1.x core header; 40 and up: Windows BITMAPINFOHEADER and its
  // V2..V5 extensions. 64 (OS/2 2.x) reuses compression codes differently.
  static constexpr std::array<std::uint64_t, 6> kHeaders{12, 40, 52, 56, 108, 124};
  if (std::find(kHeaders.begin(), kHeaders.end(), header_size) == kHeaders.end()) {
    throw DecodeError("unsupported BMP header size " + std::to_string(header_size));
  }
  const std::uint64_t info = kFileHeaderSize;
  if (size < info + header_size) throw DecodeError("truncated BMP header");

  const auto [width, height, top_down] = read_sides(bytes);
  std::uint32_t bits = 0;
  std::uint32_t compression = kBiRgb;
  std::uint64_t colors_used = 0;
  std::uint64_t palette_entry = 4;
  if (header_size == 12) {
    bits = u16_at(bytes, info + 10);
    palette_entry = 3;
  } else {
    bits = u16_at(bytes, info + 14);
    compression = u32_at(bytes, info + 16);
    colors_used = u32_at(bytes, info + 32);
  }
  if (width <= 0 || height <= 0) throw DecodeError("invalid BMP image size");
  if (static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) > limits.max_pixels) {
    throw DecodeError("image is " + std::to_string(width) + " x " + std::to_string(height) +
                      " pixels, over the limit of " + std::to_string(limits.max_pixels));
  }

  // The masks sit in the header from V2 on, and just after a 40-byte header.
  std::uint64_t after_header = info + header_size;
  std::array<std::uint32_t, 3> masks{};
  if (compression == kBiBitfields) {
    std::uint64_t at = info + 40;
    if (header_size == 40) {
      after_header += 12;
      if (size < after_header) throw DecodeError("truncated BMP header");
    }
    for (auto& mask : masks) {
      mask = u32_at(bytes, at);
      at += 4;
    }
  }
  const Layout layout = pick_layout(bits, compression, masks);

  // Entries the file does not define, including any cut off by the end of
  // the file, read as the gray ramp Pillow pads a short palette with.
  std::array<std::uint8_t, 3 * 256> palette{};
  for (int i = 0; i < 256; ++i) std::fill_n(palette.begin() + 3 * i, 3, static_cast<std::uint8_t>(i));
  std::uint64_t colors = 0;
  if (layout.kind == PixelKind::Indexed) {
    colors = colors_used != 0 ? colors_used : (std::uint64_t{1} << bits);
    if (colors > 65536) throw DecodeError("invalid BMP palette size " + std::to_string(colors));
    const std::uint64_t in_file = (size - after_header) / palette_entry;
    const std::uint64_t used = std::min<std::uint64_t>({colors, 256, in_file});
    for (std::uint64_t i = 0; i < used; ++i) {
      const std::uint64_t at = after_header + i * palette_entry;
      palette[3 * i] = bytes[at + 2];
      palette[3 * i + 1] = bytes[at + 1];
      palette[3 * i + 2] = bytes[at];
    }
  }

  std::uint64_t offset = u32_at(bytes, 10);
  if (offset == 0) {
    offset = after_header + colors * palette_entry;
  } else if (offset == info + header_size && colors != 0) {
    // Pillow's repair for writers that point the pixel offset at the palette.
    offset += colors * palette_entry;
  }
  const std::uint64_t row_bytes = (static_cast<std::uint64_t>(width) * bits + 7) / 8;
  const std::uint64_t stride = (static_cast<std::uint64_t>(width) * bits + 31) / 32 * 4;
  const auto rows = static_cast<std::uint64_t>(height);
  if (offset > size || (size - offset) / stride < rows - 1 ||
      size - offset - stride * (rows - 1) < row_bytes) {
    throw DecodeError("truncated BMP pixel data");
  }

  RgbImage image;
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.rgb.resize(image.pixels() * 3);
  for (std::uint64_t r = 0; r < rows; ++r) {
    const std::uint64_t y = top_down ? r : rows - 1 - r;
    std::uint8_t* out = image.rgb.data() + y * 3 * static_cast<std::uint64_t>(width);
    convert_row(bytes.data() + offset + r * stride, out, image.width, bits, layout, palette);
  }
  return image;
}

namespace {

// Two bytes are a weak signature (sniff_rank last); the decoder validates
// the headers that follow.
bool sniff_bmp(ByteSpan bytes) {
  static constexpr std::uint8_t kMagic[] = {'B', 'M'};
  return bytes_at(bytes, 0, kMagic);
}

bool probe_bmp(const ProbeSource& source, ImageProbe& probe) {
  if (source.prefix.size() < 26) return false;
  const BmpSides sides = read_sides(source.prefix);
  probe.width = static_cast<int>(sides.width);
  probe.height = static_cast<int>(sides.height);
  return probe.width > 0 && probe.height > 0;
}

constexpr std::string_view kExtensions[] = {".bmp"};

}  // namespace

// photoscore's own reader: no library version to report.
extern const Codec kBmpCodec;
constinit const Codec kBmpCodec{
    .format = ImageFormat::Bmp,
    .name = "BMP",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 6,
    .sniff = sniff_bmp,
    .settle = nullptr,
    .probe = probe_bmp,
    .decode = decode_bmp,
    .decode_into = nullptr,
    .decode_rows = nullptr,
    .library_version = nullptr,
    .isolated = false,
};

}  // namespace photoscore
