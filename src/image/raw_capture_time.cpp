// A camera RAW's capture time: Exiv2 reads most (the TIFF-based ones, ORF,
// RW2, RAF, CRW, MRW) with the second's fraction and the offset; LibRaw's
// timestamp is what remains for those it does not read (CR3, X3F, ...).
#include <ctime>

#include "image/capture_time.hpp"

namespace photoscore {

std::optional<CaptureTime> raw_capture_time(std::span<const std::uint8_t> file,
                                            std::int64_t libraw_timestamp) {
  const FileCaptureTime exiv2 = file_capture_time(file);
  // A RAW whose Exif Exiv2 read but found no time in has none: LibRaw's
  // timestamp may then be IFD0's DateTime, when the file was last changed.
  if (exiv2.has_exif || libraw_timestamp <= 0) return exiv2.time;
  // LibRaw parsed "YYYY:MM:DD HH:MM:SS" into a struct tm and mktime'd it in
  // this process's time zone: localtime undoes that, and the fields are the
  // camera's clock again, as EXIF wrote them.
  const auto seconds = static_cast<std::time_t>(libraw_timestamp);
  std::tm fields{};
  if (!::localtime_r(&seconds, &fields)) return std::nullopt;
  char text[24];
  if (std::strftime(text, sizeof text, "%Y:%m:%d %H:%M:%S", &fields) != 19) return std::nullopt;
  return parse_exif_time(text);
}

}  // namespace photoscore
