#include "comm/mpi_runner.hpp"

#include <stdexcept>

namespace photoscore {

void run_mpi(Job&, const std::vector<InputFile>&, RowSink*) { throw std::runtime_error("mpi mode is not built yet"); }

}  // namespace photoscore
