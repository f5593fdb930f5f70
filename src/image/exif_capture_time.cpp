// Exiv2's Exif parser on a JPEG's Exif block (at most 64 KB, already in
// memory): the one place photoscore reads EXIF, so a hand-written parser
// never has to be trusted with hostile bytes.
#include <exiv2/exiv2.hpp>
#include <mutex>
#include <string>

#include "image/capture_time.hpp"

namespace photoscore {

namespace {

// The value of Exif tag `tag` in the Photo (Exif) IFD, "" when absent.
std::string photo_tag(const Exiv2::ExifData& exif, std::uint16_t tag) {
  const auto it = exif.findKey(Exiv2::ExifKey(tag, "Photo"));
  return it == exif.end() ? std::string() : it->toString();
}

}  // namespace

std::optional<CaptureTime> exif_capture_time(std::span<const std::uint8_t> exif_block) {
  static std::once_flag quiet;
  // Exiv2's warnings would go to stderr, between photoscore's own lines; a
  // block it cannot read is a photo without a time.
  std::call_once(quiet, [] { Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute); });
  if (exif_block.empty() || exif_block.size() > 0xFFFF) return std::nullopt;
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, exif_block.data(), static_cast<std::uint32_t>(exif_block.size()));
    // DateTimeOriginal, SubSecTimeOriginal, OffsetTimeOriginal; the
    // Digitized ones where the camera wrote no Original; OffsetTime (the
    // offset of DateTime, which cameras write alike) where the matching
    // offset is missing.
    const auto offset = [&](std::uint16_t tag) {
      std::string value = photo_tag(exif, tag);
      return value.empty() ? photo_tag(exif, 0x9010) : value;
    };
    if (auto t = parse_exif_time(photo_tag(exif, 0x9003), photo_tag(exif, 0x9291), offset(0x9011))) return t;
    return parse_exif_time(photo_tag(exif, 0x9004), photo_tag(exif, 0x9292), offset(0x9012));
  } catch (...) {
    // Exiv2::AnyError for a block it cannot read, std::bad_alloc and the
    // like for one that claims too much: no time, and the photo goes on.
    return std::nullopt;
  }
}

}  // namespace photoscore
