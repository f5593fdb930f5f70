#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace photoscore {

// Reads a whole file. Returns false and a one-line reason when it cannot.
bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error);

}  // namespace photoscore
