#pragma once
// The HDF5 file's chunks, assembled and compressed away from rank 0
// (internal to src/comm; what is assembled how: output/chunk_assembly.hpp).
// The rank that formats a block of rows sends its records straight to the
// owners of their chunks, the ranks 1 .. size-1 in turn by chunk; an owner
// filters each chunk once it is whole (shuffle and deflate: about 2-3 us a
// row, more than everything else rank 0 does for a row) between photos and
// sends it to rank 0, which writes it as it is. Rank 0 never receives a
// record, only about a tenth of its bytes compressed.
//
// The end: once every row is written, rank 0 tells each owner where the
// tables end; an owner filters what it holds below that (the last chunk
// short), then says how many chunks it sent in all, and rank 0 waits for
// all of them before it closes the file.
#include <mpi.h>

#include <cstdint>
#include <list>
#include <stdexcept>
#include <string>
#include <vector>

#include "comm/mpi_wait.hpp"
#include "output/chunk_assembly.hpp"
#include "record/run_info.hpp"

namespace photoscore::mpi {

constexpr int kTagRows = 5;       // a piece of a chunk (records of some of its rows) -> the chunk's owner
constexpr int kTagFiltered = 6;   // an owner -> rank 0: a chunk filtered
constexpr int kTagRowsEnd = 7;    // rank 0 -> every owner: the tables' rows (uint64)
constexpr int kTagAssembled = 8;  // an owner -> rank 0: the chunks it sent in all (uint64)

// The rank that owns chunk `chunk` in a world of `world_size`.
inline int chunk_owner(std::uint64_t chunk, int world_size) {
  return 1 + static_cast<int>(chunk % static_cast<std::uint64_t>(world_size - 1));
}

// Sends that stay alive until MPI is done with them.
class SendList {
 public:
  void send(MPI_Comm world, int to, int tag, std::string&& bytes, RankTiming& timing);
  // Frees what was sent; true if all sends are done.
  bool done();

 private:
  struct Out {
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  std::list<Out> out_;
};

// Rank 0's side.
class ChunkSender {
 public:
  ChunkSender(MPI_Comm world, int world_size)
      : world_(world),
        size_(world_size),
        received_(static_cast<std::size_t>(world_size), 0),
        promised_(static_cast<std::size_t>(world_size), -1) {}
  // Pieces of rows that reached rank 0 with their records, to their owners.
  void send(std::vector<ChunkPiece>&& pieces, RankTiming& timing);
  // No row will follow: the tables hold `rows` rows. Every owner is told.
  void end(std::uint64_t rows, RankTiming& timing);
  // Filtered chunks that came back: (key, bytes) for each; never blocks.
  template <typename Take>
  bool receive(Take take) {
    bool any = false;
    std::string message;
    int from = 0;
    while (receive_arrived(world_, MPI_ANY_SOURCE, kTagFiltered, message, from)) {
      std::uint64_t key = 0;
      if (message.size() < sizeof key)
        throw std::runtime_error("a filtered chunk cut short, from rank " + std::to_string(from));
      message.copy(reinterpret_cast<char*>(&key), sizeof key);
      ++received_[static_cast<std::size_t>(from)];
      take(key, message.substr(sizeof key));
      any = true;
    }
    return receive_last_words() || any;
  }
  // Frees what was sent; true if all sends are done.
  bool sent() { return out_.done(); }
  // Ended, every owner has said how many chunks it sent, and all of them came.
  bool complete();

 private:
  bool receive_last_words();

  MPI_Comm world_;
  int size_;
  bool ended_ = false;
  int reported_ = 0;                    // owners that said how many they sent
  std::vector<std::int64_t> received_;  // per rank: chunks received
  std::vector<std::int64_t> promised_;  // per rank: chunks it sent in all; -1 until it says
  SendList out_;
};

// A scoring rank's side: sends the pieces of the blocks it formats to their
// owners, and as an owner assembles its chunks, filters them and sends them
// to rank 0 (the time booked as writing). Called between photos; done()
// once rank 0 said where the tables end and all is sent.
class ChunkFilterer {
 public:
  // `kept_rows`: the rows before this run's (a resumed run's kept rows,
  // FormatContext::row_offset); rank 0 filled their whole chunks itself.
  ChunkFilterer(MPI_Comm world, int rank, int world_size, std::int64_t kept_rows)
      : world_(world),
        rank_(rank),
        size_(world_size),
        assembler_(rank - 1, world_size - 1, static_cast<std::uint64_t>(kept_rows) / kRowsPerChunk) {}
  void send(std::vector<ChunkPiece>&& pieces, RankTiming& timing);
  // Takes what arrived; true if it did any.
  bool serve(RankTiming& timing);
  bool done();

 private:
  void forward(std::vector<FilteredChunk>& filtered, RankTiming& timing);

  MPI_Comm world_;
  int rank_;
  int size_;
  ChunkAssembler assembler_;
  std::uint64_t end_ = 0;
  bool ended_ = false;     // rank 0 said where the tables end
  bool reported_ = false;  // and this rank said how many chunks it sent
  std::uint64_t sent_ = 0;
  SendList out_;
};

}  // namespace photoscore::mpi
