// Exiv2's Exif parser on a JPEG's Exif block, parsed once for the time
// (exif_capture_time's rules) and the rest.
#include "image/exif_details.hpp"

#include <cmath>
#include <cstdio>
#include <optional>

#include "image/capture_time.hpp"
#include "image/exiv2_exif.hpp"

namespace photoscore {

namespace {

constexpr std::size_t kMaxText = 64;

// Printable ASCII, trimmed, at most kMaxText bytes: a camera's padded or
// hostile bytes never reach the page as anything but plain text.
std::string plain_text(const std::string& raw) {
  std::string out;
  for (const char c : raw) {
    if (c == '\0') break;
    if (c >= 0x20 && c < 0x7f) out += c;
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  out = out.substr(first, out.find_last_not_of(' ') - first + 1);
  return out.size() > kMaxText ? out.substr(0, kMaxText) : out;
}

const Exiv2::Exifdatum* find(const Exiv2::ExifData& exif, std::uint16_t tag, const char* group) {
  const auto it = exif.findKey(Exiv2::ExifKey(tag, group));
  return it == exif.end() || it->count() == 0 ? nullptr : &*it;
}

// The tag's first value as a number, none when it is not a finite positive one.
std::optional<double> positive(const Exiv2::ExifData& exif, std::uint16_t tag, const char* group) {
  const Exiv2::Exifdatum* d = find(exif, tag, group);
  if (!d) return std::nullopt;
  const Exiv2::Rational r = d->toRational(0);
  if (r.second == 0) return std::nullopt;
  const double v = static_cast<double>(r.first) / r.second;
  if (!std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

std::string printed(const char* format, double v) {
  char text[48];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

// "1/250 s" below a third of a second (how cameras show it), "0.5 s", "30 s".
std::string exposure_time_text(double seconds) {
  if (seconds < 0.3) return printed("1/%.0f s", 1.0 / seconds);
  return printed("%g s", std::round(seconds * 10) / 10);
}

void append(std::string& list, const std::string& item) {
  if (!item.empty()) list += (list.empty() ? "" : ", ") + item;
}

// "2024-05-01 12:34:56.78 +02:00": capture_time_text with spaces for a
// person, before the time and its offset.
std::string taken_text(const CaptureTime& t) {
  std::string text = capture_time_text(t);
  for (char& c : text) {
    if (c == 'T') c = ' ';
  }
  if (!t.has_offset || text.size() < 6) return text;
  const std::size_t at = text.size() - 6;
  return text.substr(0, at) + " " + text.substr(at);
}

}  // namespace

ExifDetails exif_details(std::span<const std::uint8_t> exif_block) {
  ExifDetails out;
  if (exif_block.empty() || exif_block.size() > 0xFFFF) return out;
  prepare_exiv2();
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, exif_block.data(), static_cast<std::uint32_t>(exif_block.size()));
    if (const auto t = capture_time_in(exif)) out.taken = taken_text(*t);
    if (const auto o = positive(exif, 0x0112, "Image"); o && *o >= 1 && *o <= 8 && *o == std::floor(*o))
      out.orientation = static_cast<int>(*o);
    const Exiv2::Exifdatum* make = find(exif, 0x010f, "Image");
    const Exiv2::Exifdatum* model = find(exif, 0x0110, "Image");
    const std::string make_text = make ? plain_text(make->toString()) : "";
    const std::string model_text = model ? plain_text(model->toString()) : "";
    // "Canon" + "Canon EOS R5" is "Canon EOS R5"; "NIKON CORPORATION" + "NIKON D850" keeps both.
    out.camera = model_text.rfind(make_text, 0) == 0 || make_text.empty() ? model_text
                 : model_text.empty()                                     ? make_text
                                                                          : make_text + " " + model_text;
    if (const auto t = positive(exif, 0x829a, "Photo")) append(out.exposure, exposure_time_text(*t));
    if (const auto f = positive(exif, 0x829d, "Photo"))
      append(out.exposure, printed(*f < 10 ? "f/%.2g" : "f/%.0f", *f));
    if (const auto iso = positive(exif, 0x8827, "Photo")) append(out.exposure, printed("ISO %.0f", *iso));
    if (const auto mm = positive(exif, 0x920a, "Photo")) append(out.exposure, printed("%.0f mm", *mm));
  } catch (...) {
    // Exiv2::AnyError for a block it cannot read, std::bad_alloc for one
    // that claims too much: what was read so far stands.
  }
  return out;
}

}  // namespace photoscore
