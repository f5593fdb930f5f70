#include "comm/mpi_session.hpp"

#include <mpi.h>

#include <cstdlib>
#include <string>

#include "comm/mpi_ranks.hpp"

namespace photoscore {

bool MpiSession::launched() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    if (std::getenv(var)) return true;
  }
  return false;
}

MpiSession::MpiSession(int& argc, char**& argv, bool start) : started_(start) {
  if (!started_) return;
  // Open MPI yields the core inside every MPI test that finds nothing when
  // ranks outnumber cores. Our ranks never spin on MPI (they poll and sleep,
  // comm/mpi_wait.hpp), and a decoding rank of the roles layout tests its
  // broadcasts while it decodes: each yield there hands its core to another
  // process for a time slice. Off unless the user set it.
  setenv("OMPI_MCA_mpi_yield_when_idle", "0", 0);
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  funneled_ = provided >= MPI_THREAD_FUNNELED;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_);
}

MpiSession::~MpiSession() {
  if (started_) MPI_Finalize();
}

int mpi::ranks_on_node(MPI_Comm comm) {
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int on_node = 1;
  MPI_Comm_size(node, &on_node);
  MPI_Comm_free(&node);
  return on_node;
}

std::vector<int> mpi::rank_nodes(MPI_Comm comm) {
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int lowest = rank;
  MPI_Allreduce(&rank, &lowest, 1, MPI_INT, MPI_MIN, node);
  MPI_Comm_free(&node);
  std::vector<int> nodes(static_cast<std::size_t>(size));
  MPI_Allgather(&lowest, 1, MPI_INT, nodes.data(), 1, MPI_INT, comm);
  return nodes;
}

int MpiSession::ranks_on_node() const { return started_ ? mpi::ranks_on_node(MPI_COMM_WORLD) : 1; }

std::string MpiSession::launcher_mismatch() const {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* v = std::getenv(var);
    if (!v) continue;
    const int expected = std::atoi(v);
    if (expected > 1 && expected != world_) {
      return "the launcher started " + std::to_string(expected) + " tasks (" + var + ") but MPI sees a world of " +
             std::to_string(world_) + ": the ranks are not connected (with Slurm use srun --mpi=pmix, or mpirun)";
    }
  }
  return {};
}

int MpiSession::from_rank0(int value) const {
  if (!started_) return value;
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

void MpiSession::abort(int code) const {
  if (started_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::string MpiSession::library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "unknown";
  // Some libraries (MPICH) answer with several lines; the first names it.
  std::string version(text, static_cast<std::size_t>(length > 0 ? length : 0));
  version = version.substr(0, version.find('\n'));
  while (!version.empty() && (version.back() == ' ' || version.back() == '\0')) version.pop_back();
  return version;
}

}  // namespace photoscore
