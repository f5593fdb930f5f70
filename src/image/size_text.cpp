#include "image/size_text.hpp"

#include <cstdio>

namespace photoscore {

std::string size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (std::uint64_t{1} << 30)) {
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1u << 30));
  } else {
    std::snprintf(text, sizeof text, "%llu MB",
                  static_cast<unsigned long long>((bytes + (1u << 20) - 1) >> 20));
  }
  return text;
}

}  // namespace photoscore
