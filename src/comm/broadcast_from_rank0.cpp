#include "comm/mpi_ranks.hpp"

namespace photoscore::mpi {

void broadcast_from_rank0(std::string& text, MPI_Comm comm) {
  std::uint64_t size = text.size();
  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, comm);
  text.resize(static_cast<std::size_t>(size));
  for_each_piece(reinterpret_cast<std::uint8_t*>(text.data()), text.size(),
                 [&](std::uint8_t* p, int n) { MPI_Bcast(p, n, MPI_BYTE, 0, comm); });
}

}  // namespace photoscore::mpi
