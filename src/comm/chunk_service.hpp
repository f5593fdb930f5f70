#pragma once
// Compressing the HDF5 file's chunks away from rank 0 (internal to
// src/comm). Rank 0 assembles each chunk of records in file order, which
// costs it a copy; filtering it (shuffle and deflate: about 2-3 us a row on
// one core) would cost it more than everything else it does for a row, so
// it sends each full chunk to a scoring rank, in turn, which filters it
// between photos and sends it back to be written as it is.
#include <mpi.h>

#include <array>
#include <cstdint>
#include <list>
#include <string>
#include <vector>

#include "output/row_sink.hpp"
#include "record/run_info.hpp"

namespace photoscore::mpi {

constexpr int kTagOffload = 5;   // rank 0 -> a scoring rank: a chunk to filter
constexpr int kTagFiltered = 6;  // back: the chunk filtered

// Rank 0's side.
class ChunkSender {
 public:
  ChunkSender(MPI_Comm world, int world_size) : world_(world), size_(world_size) {}
  // Sends every offload to the next rank in turn.
  void send(std::vector<Offload>&& work, RankTiming& timing);
  // Filtered chunks that came back: (key, bytes) for each; never blocks.
  template <typename Take>
  bool receive(Take take) {
    bool any = false;
    for (;;) {
      int found = 0;
      MPI_Message handle;
      MPI_Status status;
      MPI_Improbe(MPI_ANY_SOURCE, kTagFiltered, world_, &found, &handle, &status);
      if (!found) break;
      int size = 0;
      MPI_Get_count(&status, MPI_BYTE, &size);
      std::string message(static_cast<std::size_t>(size), '\0');
      MPI_Mrecv(message.data(), size, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
      std::uint64_t key = 0;
      message.copy(reinterpret_cast<char*>(&key), sizeof key);
      take(key, message.substr(sizeof key));
      --pending_;
      any = true;
    }
    return any;
  }
  // Frees what was sent; true if all sends are done.
  bool sent();
  // Chunks out and not back yet.
  std::int64_t pending() const { return pending_; }

 private:
  struct Out {
    std::array<char, sizeof(std::uint64_t) + sizeof(std::uint32_t)> header{};  // key, record size
    std::string message;                                                       // the records
    MPI_Request request = MPI_REQUEST_NULL;
  };
  MPI_Comm world_;
  int size_;
  int next_ = 0;
  std::int64_t pending_ = 0;
  std::list<Out> out_;
};

// A scoring rank's side: filters every chunk rank 0 sent and sends it back
// (the time booked as writing). True if it did any. `out` holds the
// replies until sent: the caller keeps it and calls it until it is empty
// before it ends.
class ChunkFilterer {
 public:
  explicit ChunkFilterer(MPI_Comm world) : world_(world) {}
  bool serve(RankTiming& timing);
  bool done();  // every reply sent

 private:
  struct Out {
    std::string message;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  MPI_Comm world_;
  std::list<Out> out_;
};

}  // namespace photoscore::mpi
