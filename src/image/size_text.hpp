#pragma once
// A memory size as a message says it: "512 MB" (rounded up), "2.4 GB".
#include <cstdint>
#include <string>

namespace photoscore {

std::string size_text(std::uint64_t bytes);

}  // namespace photoscore
