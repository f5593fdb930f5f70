#include "comm/pixel_window.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

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

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

// The file behind the mapping at `address` and where in it `address` is,
// from /proc/self/maps: Open MPI 4.1 backs a shared window with a file in
// /dev/shm (osc_sm_backing_directory) or its session folder.
bool backing_file(const void* address, std::string& path, off_t& offset) {
  std::ifstream maps("/proc/self/maps");
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  for (std::string line; std::getline(maps, line);) {
    std::istringstream in(line);
    std::string range, perms, file_offset, device, inode;
    if (!(in >> range >> perms >> file_offset >> device >> inode)) continue;
    const auto dash = range.find('-');
    const std::uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
    const std::uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (at < start || at >= end) continue;
    std::getline(in >> std::ws, path);
    if (path.empty() || path[0] != '/') return false;
    // Open MPI unlinks the file once every member has mapped it: then only
    // the mapping names it (which may need privileges to open).
    if (path.find(" (deleted)") != std::string::npos) path = "/proc/self/map_files/" + range;
    offset = static_cast<off_t>(std::stoull(file_offset, nullptr, 16) + (at - start));
    return true;
  }
  return false;
}

// Gives the pages of [base, base + bytes) their memory now. Open MPI makes
// the window's file sparse: a page first touched once /dev/shm is full
// would be a SIGBUS in the middle of a photo, which no error path can
// catch. Reserved here, a full /dev/shm is an error at start
// instead, and the group sends pixels by broadcast. MADV_POPULATE_WRITE
// (Linux 5.14) faults every page in writable and returns an error where a
// touch would raise SIGBUS; before it, posix_fallocate on the backing file.
bool reserve(void* base, std::size_t bytes) {
  if (bytes == 0) return true;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto from = reinterpret_cast<std::uintptr_t>(base) / page * page;
  const auto to = (reinterpret_cast<std::uintptr_t>(base) + bytes + page - 1) / page * page;
  if (::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE) == 0) return true;
  if (errno != EINVAL) return false;  // EFAULT, ENOMEM: no room
  std::string path;
  off_t offset = 0;
  if (!backing_file(reinterpret_cast<void*>(from), path, offset)) return false;
  const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  const int err = ::posix_fallocate(fd, offset, static_cast<off_t>(to - from));
  ::close(fd);
  return err == 0;
}

// Open MPI's own shared memory is made the same way: the shared-memory
// transport (vader) gives each rank a sparse file in /dev/shm
// (btl_vader_backing_directory) and carves message buffers out of it as
// they are first needed, so a /dev/shm filled mid-run is a SIGBUS inside
// MPI_Send as well (opal_free_list_grow_st). Those files are small (4 MiB a
// rank by default): every writable shared mapping of a file there is given
// its pages too. True when all were.
bool reserve_mpi_segments() {
  std::vector<std::string> folders = {"/dev/shm/"};
  for (const char* name : {"OMPI_MCA_btl_vader_backing_directory", "OMPI_MCA_osc_sm_backing_directory"}) {
    const char* dir = std::getenv(name);
    if (dir && *dir) folders.push_back(std::string(dir) + "/");
  }
  std::ifstream maps("/proc/self/maps");
  bool all = true;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream in(line);
    std::string range, perms, file_offset, device, inode, path;
    if (!(in >> range >> perms >> file_offset >> device >> inode)) continue;
    std::getline(in >> std::ws, path);
    if (perms.size() < 4 || perms[1] != 'w' || perms[3] != 's') continue;
    bool in_folder = false;
    for (const std::string& f : folders) in_folder = in_folder || path.compare(0, f.size(), f) == 0;
    if (!in_folder) continue;
    const auto dash = range.find('-');
    const std::uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
    const std::uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    all = reserve(reinterpret_cast<void*>(start), end - start) && all;
  }
  return all;
}

}  // namespace

bool reserve_mpi_shared_memory() {
  static const bool reserved = reserve_mpi_segments();
  return reserved;
}

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
  std::unique_ptr<PixelWindow> window(new PixelWindow(node, static_cast<std::size_t>(agreed)));
  // Every member's part reserved, or no window: the group broadcasts.
  if (!all_of(members, window->reserved_)) {
    int rank = 0;
    MPI_Comm_rank(members, &rank);
    if (rank == 0) {
      std::fprintf(stderr,
                   "photoscore: the shared-memory window (%llu MiB a rank) cannot be reserved in /dev/shm: "
                   "this group's pixels go by broadcast\n",
                   static_cast<unsigned long long>(agreed >> 20));
    }
    return nullptr;  // freed, collectively, on every member
  }
  return window;
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
  // Each member its own part: its pages, placed where it runs; the control
  // lines now, the photos' room as they need it (ensure()).
  reserved_ = reserve(bases_[me_], control_bytes());
  // A passive epoch for the whole run: MPI_Win_sync needs one.
  MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
  for (std::size_t r = 0; r < members_; ++r)
    std::atomic_ref<std::int64_t>(*counter(me_, r)).store(0, std::memory_order_relaxed);
  MPI_Win_sync(win_);
  MPI_Barrier(node_);
  MPI_Win_sync(win_);
}

PixelWindow::~PixelWindow() {
  // Unwinding after an error on this rank: the other members are not coming
  // to the collective free (it would wait for them for ever, or free memory
  // a send still reads), and the run is about to be aborted, which frees
  // the window with the process.
  if (std::uncaught_exceptions() > 0) return;
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

bool PixelWindow::ensure(std::size_t end) {
  if (end <= reserved_end_) return true;
  if (end > capacity_) return false;
  const std::size_t to = std::min(capacity_, std::max(end, reserved_end_ + kReserveStep));
  if (!reserve(part(me_) + reserved_end_, to - reserved_end_)) return false;
  reserved_end_ = to;
  return true;
}

std::size_t window_bytes(std::int64_t requested, int ranks_on_node) {
  // Every rank of a roles run comes here once, after MPI_Init: the place to
  // give Open MPI's own segments their pages before any photo is sent.
  reserve_mpi_shared_memory();
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
