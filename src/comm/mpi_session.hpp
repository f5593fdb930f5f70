#pragma once
// The MPI environment of one process, as KaMPIng's Environment: started (or
// not) at construction, finalized at destruction, and asked for the rank,
// the world and the node. The rest of the program reaches MPI only through
// this class and run_mpi(), so <mpi.h> stays inside src/comm.
#include <string>

namespace photoscore {

class MpiSession {
 public:
  // Whether an MPI launcher (mpirun, srun) started this process: only then,
  // or when MPI is asked for, is MPI started. A plain `photoscore DIR` skips
  // MPI_Init, which costs a noticeable fraction of a second for nothing.
  static bool launched();

  // start: MPI_Init_thread asking for MPI_THREAD_FUNNELED (OpenMP threads
  // inside ranks, MPI called from the master thread only). Otherwise a
  // session of one rank that never touches MPI.
  MpiSession(int& argc, char**& argv, bool start);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool started() const { return started_; }
  int rank() const { return rank_; }
  int world() const { return world_; }
  // Whether MPI granted MPI_THREAD_FUNNELED (always true when not started).
  bool thread_funneled() const { return funneled_; }
  // Ranks of this job on this process's node (collective on every rank).
  int ranks_on_node() const;
  // A launcher that started N separate one-rank jobs (srun without an MPI
  // plugin, a missing mpirun) must be caught: otherwise N copies would each
  // score the whole folder and overwrite each other's results. Empty when
  // the world is what the launcher said, else the one-line reason.
  std::string launcher_mismatch() const;
  // The MPI library's own version line ("Open MPI v4.1.4, package: ..."), for
  // /run: callable whether or not MPI was started (MPI_Get_library_version
  // may be called before MPI_Init).
  static std::string library_version();
  // Rank 0's `value` on every rank (collective; `value` itself where MPI
  // is not started). The exit code goes out this way once rank 0 has closed
  // its outputs and released its lock: every rank exits with the job's code
  // (4 after a signal, whichever ranks it reached), and none exits before
  // rank 0 is done with the files.
  int from_rank0(int value) const;
  // Ends every rank of the job at once (the others may be waiting for us).
  [[noreturn]] void abort(int code) const;

 private:
  bool started_ = false;
  bool funneled_ = true;
  int rank_ = 0;
  int world_ = 1;
};

}  // namespace photoscore
