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
    std::memcpy(out.header.data(), &o.key, sizeof o.key);
    std::memcpy(out.header.data() + sizeof o.key, &o.element_size, sizeof o.element_size);
    out.message = std::move(o.raw);
    // The header and the records go as one message straight from where
    // they are (an MPI datatype of two pieces): a chunk is not copied.
    MPI_Aint at[2];
    MPI_Get_address(out.header.data(), &at[0]);
    MPI_Get_address(out.message.data(), &at[1]);
    const int lengths[2] = {static_cast<int>(out.header.size()), static_cast<int>(out.message.size())};
    MPI_Datatype pieces = MPI_DATATYPE_NULL;
    MPI_Type_create_hindexed(2, lengths, at, MPI_BYTE, &pieces);
    MPI_Type_commit(&pieces);
    // Ranks 1 .. size-1 in turn.
    const int to = 1 + next_;
    next_ = (next_ + 1) % (size_ - 1);
    MPI_Isend(MPI_BOTTOM, 1, pieces, to, kTagOffload, world_, &out.request);
    // Freed now, released by MPI once the send is done.
    MPI_Type_free(&pieces);
    timing.bytes_sent += static_cast<std::int64_t>(out.header.size() + out.message.size());
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
