#pragma once
// When a photo was taken, from its EXIF (docs/groups.md): DateTimeOriginal,
// with SubSecTimeOriginal and OffsetTimeOriginal where the camera wrote them.
// A photo without one has none: not an error.
//
// The EXIF itself is read by Exiv2 (exif_capture_time and file_capture_time;
// a HEIF's Exif item is found by heif_capture_time.hpp); this file's own part
// is the arithmetic on the three fields' text and the one text form rows
// carry ("2024-05-01T12:34:56.78+02:00", ISO 8601), both pure and exact.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace photoscore {

struct CaptureTime {
  // The camera clock's reading, as microseconds from 1970-01-01 00:00:00 of
  // the same clock (the wall-clock time as if it were UTC).
  std::int64_t local_us = 0;
  int subsec_digits = 0;  // how many digits of the second the camera gave (0-6), for the text
  bool has_offset = false;
  int offset_minutes = 0;  // the clock's offset from UTC, east positive, when has_offset

  // Microseconds from the Unix epoch in UTC when the offset is known, else
  // the clock's own reading: what orders a card's photos (one camera, one
  // clock) and measures the gaps between them.
  std::int64_t instant_us() const {
    return has_offset ? local_us - std::int64_t{offset_minutes} * 60'000'000 : local_us;
  }
  bool operator==(const CaptureTime&) const = default;
};

// EXIF's text: `date_time` "YYYY:MM:DD HH:MM:SS" (a real date and time, else
// none: cameras without a set clock write blanks or zeros), `subsec` the
// second's fraction as digits ("78" = .78 s; more than 6 are cut; anything
// else is ignored), `offset` "+HH:MM" or "-HH:MM" (anything else: no offset).
// Trailing NULs and spaces are ignored everywhere.
std::optional<CaptureTime> parse_exif_time(std::string_view date_time, std::string_view subsec = {},
                                           std::string_view offset = {});

// "YYYY-MM-DDTHH:MM:SS[.fff][+HH:MM]": the fraction with the camera's digits,
// the offset when known.
std::string capture_time_text(const CaptureTime& t);
// The same, "" for none.
std::string capture_time_text(const std::optional<CaptureTime>& t);
// The text back (what capture_time_text writes); none for anything else.
std::optional<CaptureTime> capture_time_from_text(std::string_view text);

// A JPEG's Exif block (its first APP1 segment starting "Exif\0\0", from the
// TIFF header on), found by walking the markers before the scan; empty when
// there is none or the bytes are not a JPEG.
std::span<const std::uint8_t> jpeg_exif_block(std::span<const std::uint8_t> jpeg);

// The most an Exif block may hold: a JPEG's is at most 64 KB by its
// segment's length field; a HEIF's Exif item has no such bound, and a real
// one is a few KB.
inline constexpr std::size_t kMaxExifBlockBytes = std::size_t{1} << 20;

// The capture time in an Exif block (from the TIFF header on), read with
// Exiv2: DateTimeOriginal (else DateTimeDigitized) with its SubSecTime and
// OffsetTime fields (OffsetTime when the Original one is missing); none when
// there is none or the block cannot be read. Never throws.
std::optional<CaptureTime> exif_capture_time(std::span<const std::uint8_t> exif_block);

// A JPEG's capture time from its bytes: jpeg_exif_block, then exif_capture_time.
std::optional<CaptureTime> jpeg_capture_time(std::span<const std::uint8_t> jpeg);

// The capture time of a whole file in memory that Exiv2 knows as a format
// of its own: a TIFF, a camera RAW (DNG, CR2, NEF, ARW and the other
// TIFF-based ones, ORF, RW2, RAF, CRW, MRW; not CR3, which Exiv2 0.27 opens
// as a QuickTime movie without Exif unless its BMFF reader is turned on).
// `has_exif`: whether Exiv2 found any Exif in it (a RAW without falls back
// to LibRaw's reading: raw_capture_time). Never throws.
struct FileCaptureTime {
  bool has_exif = false;
  std::optional<CaptureTime> time;
};
FileCaptureTime file_capture_time(std::span<const std::uint8_t> file);

// A camera RAW's: Exiv2's (file_capture_time) when Exiv2 finds Exif in
// the file; else LibRaw's `libraw_timestamp` (imgdata.other.timestamp, 0 when none):
// whole seconds, and the camera's clock without an offset, which LibRaw
// turned into a time_t with mktime, so localtime gives the clock back.
std::optional<CaptureTime> raw_capture_time(std::span<const std::uint8_t> file,
                                            std::int64_t libraw_timestamp);

}  // namespace photoscore
