#include <algorithm>
#include <array>

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
    case ImageFormat::Unknown:
      break;
  }
  return "unknown";
}

ImageFormat detect_format(std::span<const std::uint8_t> bytes) {
  if (starts_with(bytes, 0, kJpeg)) return ImageFormat::Jpeg;
  if (starts_with(bytes, 0, kPng)) return ImageFormat::Png;
  if (starts_with(bytes, 0, kTiffLittle) || starts_with(bytes, 0, kTiffBig)) return ImageFormat::Tiff;
  if (starts_with(bytes, 0, kRiff) && starts_with(bytes, 8, kWebp)) return ImageFormat::Webp;
  // Two bytes are a weak signature; the BMP decoder validates the headers that follow.
  if (starts_with(bytes, 0, kBmp)) return ImageFormat::Bmp;
  return ImageFormat::Unknown;
}

}  // namespace photoscore
