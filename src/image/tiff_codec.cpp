// TIFF's entry in the format table (codec.hpp); the decoder is
// decode_tiff.cpp. A TIFF signature is also every TIFF-based camera RAW's
// (DNG, CR2, NEF, ARW...), so LibRaw is asked first, as decoding does.
#include <tiffio.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "image/camera_raw.hpp"
#include "image/codec.hpp"

namespace photoscore {

namespace {

bool sniff_tiff(ByteSpan bytes) {
  static constexpr std::uint8_t kLittle[] = {'I', 'I', 0x2A, 0x00};
  static constexpr std::uint8_t kBig[] = {'M', 'M', 0x00, 0x2A};
  return bytes_at(bytes, 0, kLittle) || bytes_at(bytes, 0, kBig);
}

ImageFormat settle_tiff(ByteSpan bytes) {
  return is_camera_raw(bytes) ? ImageFormat::Raw : ImageFormat::Tiff;
}

// Width and length from the first IFD of a classic TIFF, read by seeking:
// the IFD may sit anywhere in the file, often after the pixels.
bool probe_ifd(const ProbeSource& source, ImageProbe& probe) {
  std::FILE* file = source.file;
  const bool little = source.prefix[0] == 'I';
  const auto read = [&](long at, std::size_t n, std::uint8_t* out) {
    return std::fseek(file, at, SEEK_SET) == 0 && std::fread(out, 1, n, file) == n;
  };
  const auto value = [little](const std::uint8_t* p, int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint32_t{p[little ? i : n - 1 - i]} << (8 * i);
    return v;
  };
  std::uint8_t buf[12];
  if (!read(4, 4, buf)) return false;
  const long ifd = static_cast<long>(value(buf, 4));
  if (!read(ifd, 2, buf)) return false;
  const std::uint32_t entries = value(buf, 2);
  for (std::uint32_t i = 0; i < entries; ++i) {
    if (!read(ifd + 2 + 12 * static_cast<long>(i), 12, buf)) return false;
    const std::uint32_t tag = value(buf, 2);
    const std::uint32_t type = value(buf + 2, 2);  // 3: SHORT, 4: LONG
    const std::uint32_t v = type == 3 ? value(buf + 8, 2) : value(buf + 8, 4);
    if (tag == 256) probe.width = static_cast<int>(v);
    if (tag == 257) probe.height = static_cast<int>(v);
  }
  return probe.width > 0 && probe.height > 0;
}

bool probe_tiff(const ProbeSource& source, ImageProbe& probe) {
  return probe_camera_raw(source, probe) || probe_ifd(source, probe);
}

// "LIBTIFF, Version 4.5.0\nCopyright ..." -> "libtiff 4.5.0"
std::string tiff_version() {
  const char* text = TIFFGetVersion();
  std::string line = text ? text : "unknown";
  line = line.substr(0, line.find('\n'));
  const auto version = line.find("Version ");
  return "libtiff " + (version == std::string::npos ? line : line.substr(version + 8));
}

constexpr std::string_view kExtensions[] = {".tif", ".tiff"};

}  // namespace

extern const Codec kTiffCodec;
constinit const Codec kTiffCodec{
    .format = ImageFormat::Tiff,
    .name = "TIFF",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 2,
    .sniff = sniff_tiff,
    .settle = settle_tiff,
    .probe = probe_tiff,
    .decode = decode_tiff,
    .decode_into = nullptr,
    .decode_rows = nullptr,
    .library_version = tiff_version,
    .isolated = true,
};

}  // namespace photoscore
