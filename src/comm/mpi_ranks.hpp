#pragma once
// The parts of the MPI runner, one file each (internal to src/comm).
#include <mpi.h>

#include <string>
#include <vector>

#include "comm/group_channel.hpp"
#include "comm/mpi_plan.hpp"
#include "run/input_files.hpp"
#include "run/job.hpp"
#include "run/ordered_writer.hpp"

namespace photoscore::mpi {

// A group rank: receives its group's photos until the end header, scores
// those it answers for and sends each outcome to rank 0.
RankTiming run_group_rank(const Job& job, const MpiPlan& plan, const GroupChannel& channel, MPI_Comm world,
                          int rank);

// Rank 0: reads the files, sends each to the least busy group, assembles the
// groups' answers and hands finished photos to the ordered writer.
RankTiming run_source_rank(const Job& job, const MpiPlan& plan, const LayoutChannels& channels, MPI_Comm world,
                           const std::vector<InputFile>& files, OrderedWriter& writer);

// Every rank's host name, on rank 0 (empty elsewhere).
std::vector<std::string> gather_hosts(MPI_Comm comm, int rank, int world);
// Every rank's stage times, on rank 0 (empty elsewhere).
std::vector<RankTiming> gather_timings(MPI_Comm comm, int rank, int world, const RankTiming& mine,
                                       std::size_t analyzers);

}  // namespace photoscore::mpi
