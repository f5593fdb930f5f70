#include "output/writev_all.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>

namespace photoscore {

bool writev_all(int fd, std::vector<iovec>& pieces) {
  std::size_t first = 0;
  while (first < pieces.size()) {
    const int n_pieces = static_cast<int>(std::min<std::size_t>(pieces.size() - first, IOV_MAX));
    ssize_t n = ::writev(fd, pieces.data() + first, n_pieces);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    while (first < pieces.size() && static_cast<std::size_t>(n) >= pieces[first].iov_len) {
      n -= static_cast<ssize_t>(pieces[first].iov_len);
      ++first;
    }
    if (first < pieces.size()) {
      pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + n;
      pieces[first].iov_len -= static_cast<std::size_t>(n);
    }
  }
  return true;
}

}  // namespace photoscore
