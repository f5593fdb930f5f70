#pragma once
// MPI mode. Rank 0 is the image source and the merger; the other ranks
// analyze. Layout "roles": analyzer ranks form groups holding one rank per
// analyzer role (or several analyzers per rank when ranks are few); rank 0
// broadcasts each photo's bytes into a free group's communicator and merges
// the group's results in file order. Layout "farm": every worker rank scores
// whole photos. Both call process_image(), as thread mode does.
#include <vector>

#include "app/job.hpp"

namespace photoscore {

// Runs on every rank. Rank 0 passes the files and the sinks; the others pass
// an empty list and nullptr. Fills job.info (rank timings gathered from every
// rank, hosts, plan) on rank 0. Throws std::runtime_error on failure.
void run_mpi(Job& job, const std::vector<InputFile>& files, RowSink* sink);

}  // namespace photoscore
