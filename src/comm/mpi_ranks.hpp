#pragma once
// The parts of the MPI runner, one file each (internal to src/comm).
#include <mpi.h>

#include <string>
#include <vector>

#include "comm/group_channel.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_wait.hpp"
#include "run/process_image.hpp"
#include "run/input_files.hpp"
#include "run/job.hpp"
#include "run/ordered_writer.hpp"

namespace photoscore::mpi {

// A farm worker: receives its photos until the end header, scores each and
// sends its outcome to rank 0.
RankTiming run_group_rank(const Job& job, const MpiPlan& plan, const GroupChannel& channel, MPI_Comm world,
                          int rank);

// A roles analyzer rank: receives its group's headers until the end one;
// decodes the photos rank 0 gives it and broadcasts their pixels into the
// group, receives the other members' pixels, scores its analyzers on the
// photos it answers for and sends each outcome to rank 0.
RankTiming run_roles_member(const Job& job, const MpiPlan& plan, const GroupChannel& channel, MPI_Comm world,
                            int rank);

// Books a scored photo on the rank's timing: its decode seconds, and its
// analyzer seconds rescaled to `score_wall`, the wall time its scoring took
// here (the analyzers' own seconds add up over threads and leave out the
// shared gray conversion).
void account_photo(ImageOutcome& outcome, double score_wall, const PlanRank& me, RankTiming& timing);

// An answer: the photo's index (int64), the sender's busy seconds so far
// (double), then the encoded outcome.
constexpr std::size_t kAnswerHead = sizeof(std::int64_t) + sizeof(double);
// Sends rank 0 a photo's outcome (blocking; small).
void send_answer(MPI_Comm world, std::int64_t index, const ImageOutcome& outcome, RankTiming& timing);

// Rank 0: reads the files, sends each to the least busy group, assembles the
// groups' answers and hands finished photos to the ordered writer.
RankTiming run_source_rank(const Job& job, const MpiPlan& plan, const LayoutChannels& channels, MPI_Comm world,
                           const std::vector<InputFile>& files, OrderedWriter& writer);

// What the rank that decodes a photo decodes: its payload (--read rank0),
// or the file the payload names, read into `file` (--read workers; the
// seconds booked as reading); null, with `error` set, when it cannot be read.
const std::vector<std::uint8_t>* photo_bytes(const Job& job, const std::vector<std::uint8_t>& payload,
                                             std::vector<std::uint8_t>& file, std::string& error,
                                             RankTiming& timing);

// The ranks of `comm` on this rank's node (collective over `comm`).
int ranks_on_node(MPI_Comm comm);

// Every rank's host name, on rank 0 (empty elsewhere).
std::vector<std::string> gather_hosts(MPI_Comm comm, int rank, int world);
// Every rank's stage times, on rank 0 (empty elsewhere).
std::vector<RankTiming> gather_timings(MPI_Comm comm, int rank, int world, const RankTiming& mine,
                                       std::size_t analyzers);

}  // namespace photoscore::mpi
