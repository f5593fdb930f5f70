// A header-only read through the format's codec (codec.hpp): none reads
// pixel data.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "image/codec.hpp"
#include "image/decoder_helpers.hpp"
#include "image/probe.hpp"

namespace photoscore {

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

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
  std::vector<std::uint8_t> prefix(kProbePrefixBytes);
  prefix.resize(std::fread(prefix.data(), 1, prefix.size(), file.get()));
  // Raw-signed and TIFF-signed files both go to LibRaw first, as decoding does.
  probe.format = detect_signature(prefix);
  const Codec* codec = codec_of(probe.format);
  if (!codec) {
    probe.error = "not a supported image (unrecognised content)";
    return probe;
  }
  if (decoder_helper_settings().enabled && codec->isolated) {
    file.reset();
    return probe_in_helper(path, probe.format, limits);
  }
  const bool ok = codec->probe(ProbeSource{file.get(), path, prefix}, probe);
  probe.ok = ok && probe.width > 0 && probe.height > 0;
  if (!probe.ok && probe.error.empty())
    probe.error = "unreadable " + std::string(format_name(probe.format)) + " header";
  return probe;
}

}  // namespace photoscore
