#include "image/capture_time.hpp"

#include <algorithm>
#include <cstdio>

namespace photoscore {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& value) {
  if (at + n > s.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
// (H. Hinnant's days_from_civil): integers only.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int64_t{era} * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400) + (m <= 2);
}

// "YYYY?MM?DD?HH:MM:SS" with the given separators.
std::optional<std::int64_t> parse_date_time(std::string_view s, char date_sep, char middle) {
  int y, mo, d, h, mi, se;
  if (s.size() != 19 || s[4] != date_sep || s[7] != date_sep || s[10] != middle || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, se))
    return std::nullopt;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
    return std::nullopt;
  const std::int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  return seconds * 1'000'000;
}

// "+HH:MM" / "-HH:MM" to minutes east of UTC.
std::optional<int> parse_offset(std::string_view s) {
  int h, m;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !digits(s, 1, 2, h) ||
      !digits(s, 4, 2, m) || h > 23 || m > 59)
    return std::nullopt;
  return (s[0] == '-' ? -1 : 1) * (h * 60 + m);
}

}  // namespace

std::optional<CaptureTime> parse_exif_time(std::string_view date_time, std::string_view subsec,
                                           std::string_view offset) {
  const auto local = parse_date_time(trimmed(date_time), ':', ' ');
  if (!local) return std::nullopt;
  CaptureTime t;
  t.local_us = *local;
  subsec = trimmed(subsec);
  bool all_digits = !subsec.empty();
  for (const char c : subsec) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits) {
    t.subsec_digits = static_cast<int>(std::min<std::size_t>(subsec.size(), 6));
    std::int64_t us = 0;
    for (int i = 0; i < 6; ++i) us = us * 10 + (i < t.subsec_digits ? subsec[i] - '0' : 0);
    t.local_us += us;
  }
  if (const auto minutes = parse_offset(trimmed(offset))) {
    t.has_offset = true;
    t.offset_minutes = *minutes;
  }
  return t;
}

std::string capture_time_text(const CaptureTime& t) {
  const std::int64_t us_per_day = 86'400'000'000;
  std::int64_t days = t.local_us / us_per_day;
  std::int64_t in_day = t.local_us % us_per_day;
  if (in_day < 0) {
    in_day += us_per_day;
    --days;
  }
  int y, m, d;
  civil_from_days(days, y, m, d);
  const auto seconds = static_cast<int>(in_day / 1'000'000);
  char text[48];
  int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, seconds / 3600,
                        seconds / 60 % 60, seconds % 60);
  std::string out(text, static_cast<std::size_t>(n));
  if (t.subsec_digits > 0) {
    auto us = static_cast<int>(in_day % 1'000'000);
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, "%06d", us);
    out += '.';
    out.append(fraction, static_cast<std::size_t>(t.subsec_digits));
  }
  if (t.has_offset) {
    const int a = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    n = std::snprintf(text, sizeof text, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
    out.append(text, static_cast<std::size_t>(n));
  }
  return out;
}

std::string capture_time_text(const std::optional<CaptureTime>& t) {
  return t ? capture_time_text(*t) : std::string();
}

std::optional<CaptureTime> capture_time_from_text(std::string_view text) {
  if (text.size() < 19) return std::nullopt;
  const auto local = parse_date_time(text.substr(0, 19), '-', 'T');
  if (!local) return std::nullopt;
  CaptureTime t;
  t.local_us = *local;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    std::size_t end = at + 1;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    const std::size_t n = end - at - 1;
    if (n < 1 || n > 6) return std::nullopt;
    t.subsec_digits = static_cast<int>(n);
    std::int64_t us = 0;
    for (std::size_t i = 0; i < 6; ++i) us = us * 10 + (i < n ? text[at + 1 + i] - '0' : 0);
    t.local_us += us;
    at = end;
  }
  if (at < text.size()) {
    const auto minutes = parse_offset(text.substr(at));
    if (!minutes) return std::nullopt;
    t.has_offset = true;
    t.offset_minutes = *minutes;
  }
  return t;
}

std::span<const std::uint8_t> jpeg_exif_block(std::span<const std::uint8_t> jpeg) {
  const std::size_t n = jpeg.size();
  if (n < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return {};
  std::size_t at = 2;
  while (at + 4 <= n) {
    if (jpeg[at] != 0xFF) return {};
    const std::uint8_t marker = jpeg[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    // Markers without a length; the scan (SOS) or the end: no Exif before it.
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return {};
    const std::size_t length = (std::size_t{jpeg[at + 2]} << 8) | jpeg[at + 3];
    if (length < 2 || at + 2 + length > n) return {};
    const std::uint8_t* payload = jpeg.data() + at + 4;
    const std::size_t size = length - 2;
    static constexpr std::uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (marker == 0xE1 && size > 6 && std::equal(kExif, kExif + 6, payload)) return {payload + 6, size - 6};
    at += 2 + length;
  }
  return {};
}

std::optional<CaptureTime> jpeg_capture_time(std::span<const std::uint8_t> jpeg) {
  const auto block = jpeg_exif_block(jpeg);
  if (block.empty()) return std::nullopt;
  return exif_capture_time(block);
}

}  // namespace photoscore
