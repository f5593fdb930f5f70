#include "comm/chunk_service.hpp"

#include <cstring>
#include <stdexcept>

#include "comm/mpi_wait.hpp"
#include "output/chunk_filter.hpp"

namespace photoscore::mpi {

// A chunk: key (uint64), record size (uint32), the records. Back: key, the filtered bytes.
void ChunkSender::send(std::vector<Offload>&& work, RankTiming& timing) {
  for (Offload& o : work) {
    Out& out = out_.emplace_back();
    out.message.resize(sizeof o.key + sizeof o.element_size + o.raw.size());
    std::memcpy(out.message.data(), &o.key, sizeof o.key);
    std::memcpy(out.message.data() + sizeof o.key, &o.element_size, sizeof o.element_size);
    std::memcpy(out.message.data() + sizeof o.key + sizeof o.element_size, o.raw.data(), o.raw.size());
    // Ranks 1 .. size-1 in turn.
    const int to = 1 + next_;
    next_ = (next_ + 1) % (size_ - 1);
    MPI_Isend(out.message.data(), static_cast<int>(out.message.size()), MPI_BYTE, to, kTagOffload, world_,
              &out.request);
    timing.bytes_sent += static_cast<std::int64_t>(out.message.size());
    ++pending_;
  }
}

bool ChunkSender::sent() {
  for (auto it = out_.begin(); it != out_.end();) it = test(it->request) ? out_.erase(it) : std::next(it);
  return out_.empty();
}

bool ChunkFilterer::serve(RankTiming& timing) {
  bool any = false;
  for (;;) {
    int found = 0;
    MPI_Message handle;
    MPI_Status status;
    MPI_Improbe(0, kTagOffload, world_, &found, &handle, &status);
    if (!found) break;
    any = true;
    StageClock clock(timing.write);
    int size = 0;
    MPI_Get_count(&status, MPI_BYTE, &size);
    std::string message(static_cast<std::size_t>(size), '\0');
    MPI_Mrecv(message.data(), size, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
    std::uint64_t key = 0;
    std::uint32_t element = 0;
    if (message.size() < sizeof key + sizeof element) throw std::runtime_error("a chunk to filter cut short");
    std::memcpy(&key, message.data(), sizeof key);
    std::memcpy(&element, message.data() + sizeof key, sizeof element);
    const std::string filtered =
        shuffle_deflate(std::string_view(message).substr(sizeof key + sizeof element), element);
    Out& out = out_.emplace_back();
    out.message.resize(sizeof key + filtered.size());
    std::memcpy(out.message.data(), &key, sizeof key);
    std::memcpy(out.message.data() + sizeof key, filtered.data(), filtered.size());
    MPI_Isend(out.message.data(), static_cast<int>(out.message.size()), MPI_BYTE, 0, kTagFiltered, world_,
              &out.request);
    timing.bytes_sent += static_cast<std::int64_t>(out.message.size());
  }
  done();
  return any;
}

bool ChunkFilterer::done() {
  for (auto it = out_.begin(); it != out_.end();) it = test(it->request) ? out_.erase(it) : std::next(it);
  return out_.empty();
}

}  // namespace photoscore::mpi
