#include "comm/chunk_service.hpp"

#include <cstring>
#include <stdexcept>

#include "comm/mpi_wait.hpp"
#include "record/byte_fields.hpp"

namespace photoscore::mpi {

void SendList::send(MPI_Comm world, int to, int tag, std::string&& bytes, RankTiming& timing) {
  Out& out = out_.emplace_back();
  out.bytes = std::move(bytes);
  timing.bytes_sent += static_cast<std::int64_t>(out.bytes.size());
  MPI_Isend(out.bytes.data(), static_cast<int>(out.bytes.size()), MPI_BYTE, to, tag, world, &out.request);
}

bool SendList::done() {
  for (auto it = out_.begin(); it != out_.end();) it = test(it->request) ? out_.erase(it) : std::next(it);
  return out_.empty();
}

void ChunkSender::send(std::vector<ChunkPiece>&& pieces, RankTiming& timing) {
  for (ChunkPiece& piece : pieces)
    out_.send(world_, chunk_owner(piece.chunk, size_), kTagRows, std::move(piece.bytes), timing);
}

void ChunkSender::end(std::uint64_t rows, RankTiming& timing) {
  if (ended_) throw std::logic_error("ChunkSender::end twice");
  ended_ = true;
  for (int r = 1; r < size_; ++r) {
    std::string bytes;
    put_field(bytes, rows);
    out_.send(world_, r, kTagRowsEnd, std::move(bytes), timing);
  }
}

bool ChunkSender::receive_last_words() {
  bool any = false;
  std::string message;
  int from = 0;
  while (receive_arrived(world_, MPI_ANY_SOURCE, kTagAssembled, message, from)) {
    std::size_t at = 0;
    std::int64_t& promised = promised_[static_cast<std::size_t>(from)];
    if (promised >= 0) throw std::runtime_error("rank " + std::to_string(from) + " ended its chunks twice");
    promised = static_cast<std::int64_t>(get_field<std::uint64_t>(message, at, "a chunk count cut short"));
    ++reported_;
    any = true;
  }
  return any;
}

bool ChunkSender::complete() {
  if (!sent() || !ended_ || reported_ < size_ - 1) return false;
  for (int r = 1; r < size_; ++r) {
    const auto i = static_cast<std::size_t>(r);
    if (received_[i] < promised_[i]) return false;
  }
  return true;
}

void ChunkFilterer::send(std::vector<ChunkPiece>&& pieces, RankTiming& timing) {
  std::vector<FilteredChunk> filtered;
  for (ChunkPiece& piece : pieces) {
    const int owner = chunk_owner(piece.chunk, size_);
    if (owner == rank_) {
      // This rank's own chunk: no message.
      StageClock clock(timing.write);
      assembler_.add(piece.bytes, filtered);
    } else {
      out_.send(world_, owner, kTagRows, std::move(piece.bytes), timing);
    }
  }
  forward(filtered, timing);
}

void ChunkFilterer::forward(std::vector<FilteredChunk>& filtered, RankTiming& timing) {
  for (FilteredChunk& chunk : filtered) {
    std::string message;
    message.reserve(sizeof chunk.key + chunk.bytes.size());
    put_field(message, chunk.key);
    message += chunk.bytes;
    out_.send(world_, 0, kTagFiltered, std::move(message), timing);
    ++sent_;
  }
  filtered.clear();
}

bool ChunkFilterer::serve(RankTiming& timing) {
  bool any = false;
  std::vector<FilteredChunk> filtered;
  std::string message;
  int from = 0;
  while (receive_arrived(world_, MPI_ANY_SOURCE, kTagRows, message, from)) {
    StageClock clock(timing.write);
    assembler_.add(message, filtered);
    any = true;
  }
  if (!ended_ && receive_arrived(world_, 0, kTagRowsEnd, message, from)) {
    std::size_t at = 0;
    end_ = get_field<std::uint64_t>(message, at, "the tables' end cut short");
    ended_ = true;
    any = true;
  }
  if (ended_ && !reported_) {
    StageClock clock(timing.write);
    if (assembler_.finish(end_, filtered)) {
      forward(filtered, timing);
      std::string count;
      put_field(count, sent_);
      out_.send(world_, 0, kTagAssembled, std::move(count), timing);
      reported_ = true;
      any = true;
    }
  }
  forward(filtered, timing);
  out_.done();
  return any;
}

bool ChunkFilterer::done() { return out_.done() && reported_; }

}  // namespace photoscore::mpi
