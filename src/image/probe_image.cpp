// Header-only reads, one per format: libjpeg's jpeg_read_header, PNG's IHDR,
// TIFF's first IFD, WebP's features, BMP's info header, HEIF's item boxes
// and LibRaw's identify (with its preview's JPEG frame header). None reads
// pixel data.
#include <fcntl.h>
#include <jerror.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webp/decode.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

#include "image/camera_raw.hpp"
#include "image/decoder_helpers.hpp"
#include "image/heif_layout.hpp"
#include "image/probe.hpp"

namespace photoscore {

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

// Enough for WebP's VP8X chunk and every fixed-place header here.
constexpr std::size_t kPrefixBytes = 4096;

std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

struct JpegError {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1);
}
void jpeg_quiet(j_common_ptr /*cinfo*/, int /*level*/) {}

bool probe_jpeg(std::FILE* file, ImageProbe& probe) {
  std::rewind(file);
  jpeg_decompress_struct cinfo{};
  JpegError err{};
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.emit_message = jpeg_quiet;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, file);
  jpeg_read_header(&cinfo, TRUE);
  probe.width = static_cast<int>(cinfo.image_width);
  probe.height = static_cast<int>(cinfo.image_height);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// Width and length from the first IFD of a classic TIFF, read by seeking:
// the IFD may sit anywhere in the file, often after the pixels.
bool probe_tiff(std::FILE* file, const std::vector<std::uint8_t>& prefix, ImageProbe& probe) {
  const bool little = prefix[0] == 'I';
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

bool probe_bmp(const std::vector<std::uint8_t>& b, ImageProbe& probe) {
  if (b.size() < 26) return false;
  const auto le = [&](std::size_t at, int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint32_t{b[at + i]} << (8 * i);
    return v;
  };
  if (le(14, 4) == 12) {  // OS/2 1.x core header: 16-bit sides
    probe.width = static_cast<int>(le(18, 2));
    probe.height = static_cast<int>(le(20, 2));
  } else {
    probe.width = static_cast<std::int32_t>(le(18, 4));
    probe.height = std::abs(static_cast<std::int32_t>(le(22, 4)));  // negative: stored top-down
  }
  return probe.width > 0 && probe.height > 0;
}

// The primary image's decoded size from the file's items (heif_layout.hpp),
// which a grid's or overlay's ispe may contradict; the whole file is read,
// as decoding would.
bool probe_heif(std::FILE* file, ImageProbe& probe) {
  std::vector<std::uint8_t> bytes(probe.file_bytes);
  std::rewind(file);
  if (std::fread(bytes.data(), 1, bytes.size(), file) != bytes.size()) return false;
  try {
    const HeifLayout layout = read_heif_layout(bytes);
    probe.width = layout.width;
    probe.height = layout.height;
  } catch (const DecodeError& e) {
    probe.error = e.what();
    return false;
  }
  // libheif's YCbCr planes and its RGB image, tiles and the file.
  probe.decoder_bytes =
      5 * static_cast<std::uint64_t>(probe.width) * static_cast<std::uint64_t>(probe.height) +
      2 * probe.file_bytes;
  return probe.width > 0 && probe.height > 0;
}

// Unknown when LibRaw does not take the file; Raw with the plan's size else.
bool probe_raw(std::FILE* file, const std::string& path, ImageProbe& probe) {
  auto raw = make_libraw();
  if (raw->open_file(path.c_str()) != LIBRAW_SUCCESS || raw->imgdata.sizes.raw_width == 0) return false;
  probe.format = ImageFormat::Raw;
  try {
    check_raw_layout(*raw);
  } catch (const DecodeError& e) {
    probe.error = e.what();
    return false;
  }
  const RawPlan plan = plan_raw(*raw, [file](std::uint64_t offset, std::size_t n, std::uint8_t* out) {
    return std::fseek(file, static_cast<long>(offset), SEEK_SET) == 0 && std::fread(out, 1, n, file) == n;
  });
  probe.width = plan.width;
  probe.height = plan.height;
  probe.raw_preview = plan.use_preview;
  probe.decoder_bytes = plan.decoder_bytes;
  return true;
}

}  // namespace

ImageProbe probe_image(const std::string& path, const DecodeLimits& limits) {
  ImageProbe probe;
  // O_NONBLOCK and a regular file only: opening a FIFO named x.jpg would
  // otherwise wait for a writer, and the job with it (read_file refuses it).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  struct stat st {};
  if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    ::close(fd);
    probe.error = "not a regular file";
    return probe;
  }
  probe.file_bytes = static_cast<std::uint64_t>(st.st_size);
  File file(fd >= 0 ? ::fdopen(fd, "rb") : nullptr, std::fclose);
  if (!file) {
    if (fd >= 0) ::close(fd);
    probe.error = "cannot open";
    return probe;
  }
  std::vector<std::uint8_t> prefix(kPrefixBytes);
  prefix.resize(std::fread(prefix.data(), 1, prefix.size(), file.get()));
  // Raw-signed and TIFF-signed files both go to LibRaw first, as decoding does.
  probe.format = detect_signature(prefix);
  if (decoder_helper_settings().enabled && decoded_in_helper(probe.format)) {
    file.reset();
    return probe_in_helper(path, probe.format, limits);
  }
  bool ok = false;
  switch (probe.format) {
    case ImageFormat::Jpeg:
      ok = probe_jpeg(file.get(), probe);
      break;
    case ImageFormat::Png:
      ok = prefix.size() >= 24 && be32(prefix, 12) == 0x49484452u;  // "IHDR"
      if (ok) {
        probe.width = static_cast<int>(be32(prefix, 16));
        probe.height = static_cast<int>(be32(prefix, 20));
      }
      break;
    case ImageFormat::Tiff:
      ok = probe_raw(file.get(), path, probe) || probe_tiff(file.get(), prefix, probe);
      break;
    case ImageFormat::Raw:
      ok = probe_raw(file.get(), path, probe);
      break;
    case ImageFormat::Webp: {
      WebPBitstreamFeatures features;
      ok = WebPGetFeatures(prefix.data(), prefix.size(), &features) == VP8_STATUS_OK;
      probe.width = features.width;
      probe.height = features.height;
      break;
    }
    case ImageFormat::Bmp:
      ok = probe_bmp(prefix, probe);
      break;
    case ImageFormat::Heif:
      ok = probe_heif(file.get(), probe);
      break;
    case ImageFormat::Unknown:
      probe.error = "not a supported image (unrecognised content)";
      return probe;
  }
  probe.ok = ok && probe.width > 0 && probe.height > 0;
  if (!probe.ok && probe.error.empty())
    probe.error = "unreadable " + std::string(format_name(probe.format)) + " header";
  return probe;
}

}  // namespace photoscore
