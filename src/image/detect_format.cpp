#include <algorithm>
#include <array>
#include <string_view>

#include "image/decode.hpp"

namespace photoscore {

namespace {

bool starts_with(std::span<const std::uint8_t> bytes, std::size_t offset,
                 std::span<const std::uint8_t> magic) {
  return bytes.size() >= offset + magic.size() &&
         std::equal(magic.begin(), magic.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset));
}

constexpr std::array<std::uint8_t, 3> kJpeg{0xFF, 0xD8, 0xFF};
constexpr std::array<std::uint8_t, 8> kPng{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::array<std::uint8_t, 4> kTiffLittle{'I', 'I', 0x2A, 0x00};
constexpr std::array<std::uint8_t, 4> kTiffBig{'M', 'M', 0x00, 0x2A};
constexpr std::array<std::uint8_t, 4> kRiff{'R', 'I', 'F', 'F'};
constexpr std::array<std::uint8_t, 4> kWebp{'W', 'E', 'B', 'P'};
constexpr std::array<std::uint8_t, 2> kBmp{'B', 'M'};
constexpr std::array<std::uint8_t, 4> kFtyp{'f', 't', 'y', 'p'};

// Camera RAWs with a signature of their own (ORF, RW2, RAF, CRW); the
// TIFF-based ones are told from TIFF by LibRaw.
bool has_raw_signature(std::span<const std::uint8_t> bytes) {
  constexpr std::array<std::uint8_t, 4> kOrf1{'I', 'I', 'R', 'O'}, kOrf2{'I', 'I', 'R', 'S'}, kOrf3{'M', 'M', 'O', 'R'};
  constexpr std::array<std::uint8_t, 4> kRw2{'I', 'I', 'U', 0x00};
  constexpr std::array<std::uint8_t, 8> kRaf{'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M'};
  constexpr std::array<std::uint8_t, 8> kCrw{'H', 'E', 'A', 'P', 'C', 'C', 'D', 'R'};
  return starts_with(bytes, 0, kOrf1) || starts_with(bytes, 0, kOrf2) || starts_with(bytes, 0, kOrf3) ||
         starts_with(bytes, 0, kRw2) || starts_with(bytes, 0, kRaf) || starts_with(bytes, 6, kCrw);
}

// An ISO-BMFF ftyp box naming a HEIF brand, as major or compatible brand:
// AVIF and MP4 share the box, so the brand decides.
bool is_heif(std::span<const std::uint8_t> bytes) {
  if (!starts_with(bytes, 4, kFtyp) || bytes.size() < 16) return false;
  const std::size_t box = (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) |
                          (std::size_t{bytes[2]} << 8) | std::size_t{bytes[3]};
  const std::size_t end = std::min(box, bytes.size());
  static constexpr std::array<std::string_view, 8> kBrands = {"heic", "heix", "hevc", "hevx",
                                                              "heim", "heis", "mif1", "msf1"};
  for (std::size_t at = 8; at + 4 <= end; at += (at == 8 ? 8 : 4)) {
    const std::string_view brand(reinterpret_cast<const char*>(bytes.data() + at), 4);
    if (std::find(kBrands.begin(), kBrands.end(), brand) != kBrands.end()) return true;
  }
  return false;
}

}  // namespace

std::string_view format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg:
      return "JPEG";
    case ImageFormat::Png:
      return "PNG";
    case ImageFormat::Tiff:
      return "TIFF";
    case ImageFormat::Webp:
      return "WebP";
    case ImageFormat::Bmp:
      return "BMP";
    case ImageFormat::Heif:
      return "HEIF";
    case ImageFormat::Raw:
      return "RAW";
    case ImageFormat::Unknown:
      break;
  }
  return "unknown";
}

ImageFormat detect_signature(std::span<const std::uint8_t> bytes) {
  if (starts_with(bytes, 0, kJpeg)) return ImageFormat::Jpeg;
  if (starts_with(bytes, 0, kPng)) return ImageFormat::Png;
  if (starts_with(bytes, 0, kTiffLittle) || starts_with(bytes, 0, kTiffBig)) return ImageFormat::Tiff;
  if (has_raw_signature(bytes)) return ImageFormat::Raw;
  if (is_heif(bytes)) return ImageFormat::Heif;
  if (starts_with(bytes, 0, kRiff) && starts_with(bytes, 8, kWebp)) return ImageFormat::Webp;
  // Two bytes are a weak signature; the BMP decoder validates the headers that follow.
  if (starts_with(bytes, 0, kBmp)) return ImageFormat::Bmp;
  return ImageFormat::Unknown;
}

ImageFormat detect_format(std::span<const std::uint8_t> bytes) {
  const ImageFormat format = detect_signature(bytes);
  return format == ImageFormat::Tiff && is_camera_raw(bytes) ? ImageFormat::Raw : format;
}

}  // namespace photoscore
