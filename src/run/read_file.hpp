#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {

// Reads a whole regular file (symlinks followed) of at most max_bytes.
// Returns false and a one-line reason when it cannot. Anything else that
// can sit in a folder - a FIFO, a device, a socket - is refused without
// being read: a FIFO would block the job, /dev/zero would fill memory.
// `identity`, when given, gets the file as it was read: its size, times and
// inode (resume_ledger.hpp's photo_identity), "none" when it could not be
// looked at.
bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error,
               std::uint64_t max_bytes = kDefaultMaxFileBytes, std::string* identity = nullptr);

}  // namespace photoscore
