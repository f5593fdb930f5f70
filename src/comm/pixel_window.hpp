#pragma once
// A roles group's shared-memory window (internal to src/comm): when every
// analyzer rank of a group is on one node, each member owns a part of one
// MPI-3 shared-memory window, puts the photos it decodes there (PixelArena
// says where), and the other members score them in place: no copy per
// member, no pixels through MPI. What still travels by broadcast on the
// member's communicator is the frame (the size, and where in its part) and
// one small message per piece of rows, saying they are there.
//
// Each part starts with one cache line per member: there member r counts
// the owner's photos it has finished with (the owner too: once a photo is
// in the window, it scores it from there), so the owner knows which regions
// it may reuse without a message back.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace photoscore::mpi {

class PixelWindow {
 public:
  // Collective over `members` (a group's analyzer ranks, in the group's
  // order). Null, on every member alike, when they are not all on one node,
  // `capacity` (bytes of window per member, agreed as the smallest any
  // member offers) is 0, or some member's control lines cannot be reserved.
  // A page of a sparse /dev/shm file first touched once /dev/shm is full
  // would be a SIGBUS: a member reserves its part's pages (ensure()) before
  // it writes them, as far as its photos have reached, so the window's
  // memory follows the photos in flight, and a full /dev/shm sends a photo
  // by broadcast instead of crashing.
  static std::unique_ptr<PixelWindow> open(MPI_Comm members, std::size_t capacity);
  ~PixelWindow();  // collective over the members, as MPI_Win_free is (but not while an exception unwinds)
  PixelWindow(const PixelWindow&) = delete;
  PixelWindow& operator=(const PixelWindow&) = delete;

  std::size_t capacity() const { return capacity_; }
  // This member's own part reserved up to byte `end` (its pages given their
  // memory, kReserveStep at a time); false when /dev/shm has no room for
  // them: the photo must go by broadcast.
  bool ensure(std::size_t end);
  static constexpr std::size_t kReserveStep = std::size_t{32} << 20;
  // Member `member`'s part, for its photos (capacity() bytes).
  std::uint8_t* part(std::size_t member) const { return bases_[member] + control_bytes(); }
  // This member has finished with `count` of `owner`'s photos (the first
  // `count` that owner placed, in its order).
  void finished(std::size_t owner, std::int64_t count);
  // How many of this member's photos every member has finished with.
  std::int64_t released() const;
  // Makes this rank's stores to the window visible to the others before a
  // message says they are there, and theirs visible here after one arrives.
  void sync() const;

 private:
  PixelWindow(MPI_Comm node, std::size_t capacity);
  std::size_t control_bytes() const { return kLine * members_; }
  std::size_t reserved_end_ = 0;  // bytes of our part reserved
  std::int64_t* counter(std::size_t owner, std::size_t reader) const;

  static constexpr std::size_t kLine = 64;
  MPI_Comm node_ = MPI_COMM_NULL;
  MPI_Win win_ = MPI_WIN_NULL;
  std::size_t capacity_ = 0;
  std::size_t members_ = 0;
  std::size_t me_ = 0;
  std::vector<std::uint8_t*> bases_;  // each member's part, mapped here
  bool reserved_ = false;             // this member's part has its memory
};

// The bytes a member offers: `requested` (--shared-mb; < 0 when the user did
// not say: 512 MiB, and 0, no window, below 16 MiB, too few photos to be
// worth it), but never more than half of what the file system that backs
// shared memory (/dev/shm) has free, shared by the node's ranks. Memory,
// not only address space: the window is reserved when it is made.
// Also reserves Open MPI's own shared-memory segments of this rank
// (reserve_mpi_shared_memory), once: every rank of a roles run calls it.
std::size_t window_bytes(std::int64_t requested, int ranks_on_node);

// Gives every writable shared mapping this process has of a file in
// /dev/shm (Open MPI's shared-memory transport's segments: sparse files
// whose pages are first touched as messages need them) its memory now, so
// that /dev/shm filling up later cannot raise SIGBUS inside MPI. Once per
// process, after MPI_Init; false when some could not be reserved (no room
// already). Called by window_bytes; any layout may call it.
bool reserve_mpi_shared_memory();

}  // namespace photoscore::mpi
