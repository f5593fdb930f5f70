#include "output/writev_all.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace photoscore {

namespace {

// writev_all's loop; `offset` < 0: at the file's position.
bool write_pieces(int fd, std::vector<iovec>& pieces, std::int64_t offset) {
  std::size_t first = 0;
  while (first < pieces.size()) {
    const int n_pieces = static_cast<int>(std::min<std::size_t>(pieces.size() - first, IOV_MAX));
    ssize_t n = offset < 0 ? ::writev(fd, pieces.data() + first, n_pieces)
                           : ::pwritev(fd, pieces.data() + first, n_pieces, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (offset >= 0) offset += n;
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

}  // namespace

bool writev_all(int fd, std::vector<iovec>& pieces) { return write_pieces(fd, pieces, -1); }

bool pwritev_all(int fd, std::vector<iovec>& pieces, std::uint64_t offset) {
  return write_pieces(fd, pieces, static_cast<std::int64_t>(offset));
}

bool pwrite_all(int fd, std::string_view bytes, std::uint64_t offset) {
  std::vector<iovec> one;
  if (!bytes.empty()) one.push_back({const_cast<char*>(bytes.data()), bytes.size()});
  return pwritev_all(fd, one, offset);
}

}  // namespace photoscore
