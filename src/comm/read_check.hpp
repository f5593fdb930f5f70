#pragma once
// Who reads the photos under MPI (--read), decided at start-up (internal to
// src/comm).
#include <mpi.h>

#include <string>
#include <vector>

#include "comm/group_channel.hpp"
#include "record/run_mode.hpp"
#include "run/input_files.hpp"

namespace photoscore::mpi {

struct ReadPlan {
  // Per world rank (on rank 0): whether it reads the files it decodes, or
  // rank 0 reads them and sends their bytes.
  std::vector<bool> reads_itself;
  std::string summary;  // for /run read (rank 0)
  std::string notice;   // one stderr line when some node cannot see the input (rank 0)
  bool refused = false;  // --read workers with a node that cannot see the input (every rank)
  bool all_read = false;  // every rank reads its own photos (every rank)
  std::string refusal;   // why (rank 0)
};

// Collective over `world` (`size` ranks). Rank 0 passes its file list and
// every rank's host (gather_hosts). With --read rank0, rank 0 reads
// everything and nothing is checked.
ReadPlan plan_reading(ReadMode mode, MPI_Comm world, int rank, int size, const std::vector<InputFile>& files,
                      const std::vector<std::string>& hosts);

}  // namespace photoscore::mpi
