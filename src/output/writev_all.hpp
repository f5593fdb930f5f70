#pragma once
// Writing pieces of memory to a file descriptor whole, in order, at its
// position or at a given offset.
#include <sys/uio.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace photoscore {

// All of `pieces`, in order, or false with errno set. A short writev goes on
// from where it stopped (so the error it ends in is the one reported); at
// most IOV_MAX pieces a call. `pieces` is consumed.
bool writev_all(int fd, std::vector<iovec>& pieces);

// The same at byte `offset` of the file (pwritev), whatever its current
// position: several processes may each write their own range of one file.
bool pwritev_all(int fd, std::vector<iovec>& pieces, std::uint64_t offset);

// `bytes` at byte `offset`, whole, or false with errno set.
bool pwrite_all(int fd, std::string_view bytes, std::uint64_t offset);

}  // namespace photoscore
