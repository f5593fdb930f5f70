#pragma once
// Writing pieces of memory to a file descriptor whole, in order.
#include <sys/uio.h>

#include <vector>

namespace photoscore {

// All of `pieces`, in order, or false with errno set. A short writev goes on
// from where it stopped (so the error it ends in is the one reported); at
// most IOV_MAX pieces a call. `pieces` is consumed.
bool writev_all(int fd, std::vector<iovec>& pieces);

}  // namespace photoscore
