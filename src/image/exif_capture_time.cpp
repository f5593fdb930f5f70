// Exiv2's Exif parser on a JPEG's or a HEIF's Exif block, and Exiv2's
// readers on a whole TIFF or camera RAW, all already in memory: the one
// place photoscore reads EXIF, so a hand-written parser never has to be
// trusted with hostile bytes. Camera RAW and HEIF are read where they are
// decoded, in a decoder helper process (decoder_helpers.hpp).
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "image/capture_time.hpp"
#include "image/exiv2_exif.hpp"

namespace photoscore {

// Exiv2's warnings would go to stderr, between photoscore's own lines; a
// block it cannot read is a photo without a time. Its XMP toolkit (a TIFF's
// or a RAW's XMP packet is read with the rest) must be started once, before
// two threads could start it at once.
void prepare_exiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
  });
}

namespace {

// The value of Exif tag `tag` in IFD `group` ("Photo": the Exif IFD;
// "Image": IFD0), "" when absent.
std::string tag_text(const Exiv2::ExifData& exif, std::uint16_t tag, const char* group) {
  const auto it = exif.findKey(Exiv2::ExifKey(tag, group));
  return it == exif.end() ? std::string() : it->toString();
}

}  // namespace

// DateTimeOriginal, SubSecTimeOriginal, OffsetTimeOriginal; TIFF/EP's
// DateTimeOriginal in IFD0 (some camera RAWs) where the Exif IFD has none;
// the Digitized ones where the camera wrote no Original; OffsetTime (the
// offset of DateTime, which cameras write alike) where the matching offset
// is missing.
std::optional<CaptureTime> capture_time_in(const Exiv2::ExifData& exif) {
  const auto photo = [&](std::uint16_t tag) { return tag_text(exif, tag, "Photo"); };
  const auto offset = [&](std::uint16_t tag) {
    std::string value = photo(tag);
    return value.empty() ? photo(0x9010) : value;
  };
  if (auto t = parse_exif_time(photo(0x9003), photo(0x9291), offset(0x9011))) return t;
  if (auto t = parse_exif_time(tag_text(exif, 0x9003, "Image"), photo(0x9291), offset(0x9011))) return t;
  return parse_exif_time(photo(0x9004), photo(0x9292), offset(0x9012));
}

std::optional<CaptureTime> exif_capture_time(std::span<const std::uint8_t> exif_block) {
  prepare_exiv2();
  if (exif_block.empty() || exif_block.size() > kMaxExifBlockBytes) return std::nullopt;
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, exif_block.data(), static_cast<std::uint32_t>(exif_block.size()));
    return capture_time_in(exif);
  } catch (...) {
    // Exiv2::AnyError for a block it cannot read, std::bad_alloc and the
    // like for one that claims too much: no time, and the photo goes on.
    return std::nullopt;
  }
}

FileCaptureTime file_capture_time(std::span<const std::uint8_t> file) {
  prepare_exiv2();
  FileCaptureTime found;
  if (file.empty() || file.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) return found;
  try {
    // Exiv2 0.27 hands out std::auto_ptr (deprecated); one is taken over at once.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    const std::unique_ptr<Exiv2::Image> image(
        Exiv2::ImageFactory::open(file.data(), static_cast<long>(file.size())).release());
#pragma GCC diagnostic pop
    // The bytes are read where they lie (a MemIo over them, not a copy).
    image->readMetadata();
    found.has_exif = !image->exifData().empty();
    found.time = capture_time_in(image->exifData());
  } catch (...) {
    // A format Exiv2 does not know, or a file it cannot read: no Exif.
  }
  return found;
}

}  // namespace photoscore
