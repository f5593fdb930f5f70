#include <string>

#include "comm/group_channel.hpp"
#include "comm/mpi_ranks.hpp"
#include "run/read_file.hpp"

namespace photoscore::mpi {

const std::vector<std::uint8_t>* photo_bytes(const Job& job, std::int64_t payload_size, const std::string& path,
                                             const std::vector<std::uint8_t>& payload, std::vector<std::uint8_t>& file,
                                             std::string& error, std::string& identity, RankTiming& timing) {
  if (payload_size >= 0) return &payload;
  StageClock clock(timing.read);
  return read_photo(path, file, error, job.limits.max_file_bytes, &identity) ? &file : nullptr;
}

void payload(MPI_Comm world, int peer, bool sending, std::vector<std::uint8_t>& data,
             std::vector<MPI_Request>& requests) {
  for_each_piece(data.data(), data.size(), [&](std::uint8_t* p, int n) {
    if (sending) {
      MPI_Isend(p, n, MPI_BYTE, peer, kTagData, world, &requests.emplace_back());
    } else {
      MPI_Irecv(p, n, MPI_BYTE, peer, kTagData, world, &requests.emplace_back());
    }
  });
}

}  // namespace photoscore::mpi
