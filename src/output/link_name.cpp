#include "output/link_name.hpp"

#include "output/sha256.hpp"

namespace photoscore {

std::string link_name(std::string_view filename) {
  std::string name;
  for (const char c : filename) {
    if (c == '%')
      name += "%25";
    else if (c == '/')
      name += "%2F";
    else
      name += c;
  }
  if (name.size() <= kMaxNameBytes) return name;
  // The extension, so a viewer still opens the link as a photo.
  std::string ext;
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && name.size() - dot <= 16) ext = name.substr(dot);
  const std::string tail = "%~" + sha256_hex(name, 32) + ext;
  std::size_t keep = kMaxNameBytes - tail.size();
  // Not inside a UTF-8 character: back off continuation bytes (10xxxxxx).
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + tail;
}

}  // namespace photoscore
