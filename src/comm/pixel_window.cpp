#include "comm/pixel_window.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

namespace photoscore::mpi {

namespace {

// The counters are plain int64 words in the window, read and written as
// atomics: lock-free atomics work across processes mapping the same memory,
// and the MPI_Win_sync calls order the pixels around them.
static_assert(std::atomic<std::int64_t>::is_always_lock_free);

bool all_of(MPI_Comm comm, bool mine) {
  int in = mine ? 1 : 0;
  int out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, comm);
  return out != 0;
}

}  // namespace

std::unique_ptr<PixelWindow> PixelWindow::open(MPI_Comm members, std::size_t capacity) {
  int size = 0;
  MPI_Comm_size(members, &size);
  MPI_Comm node = MPI_COMM_NULL;
  // Key 0 keeps the members' order.
  MPI_Comm_split_type(members, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 0;
  MPI_Comm_size(node, &on_node);
  unsigned long long offered = capacity;
  unsigned long long agreed = 0;
  MPI_Allreduce(&offered, &agreed, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, members);
  // Parts are whole cache lines, so every part stays aligned.
  agreed = agreed / kLine * kLine;
  if (!all_of(members, on_node == size) || agreed == 0) {
    MPI_Comm_free(&node);
    return nullptr;
  }
  return std::unique_ptr<PixelWindow>(new PixelWindow(node, static_cast<std::size_t>(agreed)));
}

PixelWindow::PixelWindow(MPI_Comm node, std::size_t capacity) : node_(node), capacity_(capacity) {
  int size = 0;
  int rank = 0;
  MPI_Comm_size(node_, &size);
  MPI_Comm_rank(node_, &rank);
  members_ = static_cast<std::size_t>(size);
  me_ = static_cast<std::size_t>(rank);
  // Each part on its own pages (placed where its owner, who writes it, runs).
  MPI_Info info;
  MPI_Info_create(&info);
  MPI_Info_set(info, "alloc_shared_noncontig", "true");
  void* mine = nullptr;
  MPI_Win_allocate_shared(static_cast<MPI_Aint>(control_bytes() + capacity_), 1, info, node_, &mine, &win_);
  MPI_Info_free(&info);
  bases_.resize(members_);
  for (std::size_t m = 0; m < members_; ++m) {
    MPI_Aint bytes = 0;
    int unit = 0;
    void* base = nullptr;
    MPI_Win_shared_query(win_, static_cast<int>(m), &bytes, &unit, &base);
    bases_[m] = static_cast<std::uint8_t*>(base);
  }
  // A passive epoch for the whole run: MPI_Win_sync needs one.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
  for (std::size_t r = 0; r < members_; ++r)
    std::atomic_ref<std::int64_t>(*counter(me_, r)).store(0, std::memory_order_relaxed);
  MPI_Win_sync(win_);
  MPI_Barrier(node_);
  MPI_Win_sync(win_);
}

PixelWindow::~PixelWindow() {
  MPI_Win_unlock_all(win_);
  MPI_Win_free(&win_);
  MPI_Comm_free(&node_);
}

std::int64_t* PixelWindow::counter(std::size_t owner, std::size_t reader) const {
  return reinterpret_cast<std::int64_t*>(bases_[owner] + kLine * reader);
}

void PixelWindow::finished(std::size_t owner, std::int64_t count) {
  // Release: our reads of the photo happen before the owner may overwrite it.
  std::atomic_ref<std::int64_t>(*counter(owner, me_)).store(count, std::memory_order_release);
}

std::int64_t PixelWindow::released() const {
  std::int64_t least = -1;
  for (std::size_t r = 0; r < members_; ++r) {
    const std::int64_t n = std::atomic_ref<std::int64_t>(*counter(me_, r)).load(std::memory_order_acquire);
    least = least < 0 ? n : std::min(least, n);
  }
  return std::max<std::int64_t>(least, 0);
}

void PixelWindow::sync() const { MPI_Win_sync(win_); }

std::size_t window_bytes(std::int64_t requested, int ranks_on_node) {
  constexpr double kDefault = 512.0 * (1 << 20);
  constexpr double kMinimum = 16.0 * (1 << 20);
  // Open MPI keeps shared windows in files there (its osc_sm_backing_directory).
  // A page touched past that file system's room is a SIGBUS, not an error
  // to handle: so never offer more than half its room shared by the node's ranks.
  const char* dir = std::getenv("OMPI_MCA_osc_sm_backing_directory");
  double room = 1e300;
  struct statvfs fs {};
  if (statvfs(dir && *dir ? dir : "/dev/shm", &fs) == 0)
    room = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) / 2.0 /
           std::max(1, ranks_on_node);
  if (requested >= 0) return static_cast<std::size_t>(std::min(static_cast<double>(requested), room));
  const double offered = std::min(kDefault, room);
  return offered < kMinimum ? 0 : static_cast<std::size_t>(offered);
}

}  // namespace photoscore::mpi
