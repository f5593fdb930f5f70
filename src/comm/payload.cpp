#include "comm/group_channel.hpp"

namespace photoscore::mpi {

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
