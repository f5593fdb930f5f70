#pragma once
// The parts of the MPI runner, one file each (internal to src/comm).
#include <mpi.h>

#include <string>
#include <vector>

#include "comm/group_channel.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_wait.hpp"
#include "output/jsonl_lane_writer.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"
#include "run/ordered_writer.hpp"
#include "run/process_image.hpp"

namespace photoscore::mpi {

// A farm worker: receives its batches until the end, scores each photo,
// merges and formats its rows and sends them to rank 0 in blocks.
RankTiming run_farm_worker(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world,
                           int rank, JsonlLaneWriter& lines);

// A roles analyzer rank: receives its group's batches until the end;
// decodes the photos it is given and broadcasts their pixels into the
// group, receives the other members' pixels, scores its analyzers on the
// photos it answers for and sends each part to its group's merging rank
// (the group's first), which assembles the rows and sends them to the
// group's dealer (rank 0 or its node's leader).
RankTiming run_roles_member(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world,
                            int rank, JsonlLaneWriter& lines);

// Books a scored photo on the rank's timing: its decode seconds, and its
// analyzer seconds rescaled to `score_wall`, the wall time its scoring took
// here (the analyzers' own seconds add up over threads and leave out the
// shared gray conversion).
void account_photo(ImageOutcome& outcome, double score_wall, const PlanRank& me, RankTiming& timing);
// Seconds the rank has been busy: reading, communicating, decoding,
// analyzing, merging (not waiting).
double busy_seconds(const RankTiming& timing);

// A part: the group's photo number (int64), the sender's busy seconds
// (double), then the encoded outcome.
constexpr std::size_t kPartHead = sizeof(std::int64_t) + sizeof(double);
struct Part {
  int rank = 0;
  std::int64_t seq = 0;
  double busy = 0.0;
  ImageOutcome outcome;
};
// Sends a part to the group's merging rank (blocking; small).
void send_part(MPI_Comm world, int merger, std::int64_t seq, const ImageOutcome& outcome, RankTiming& timing);
// A part that has arrived, if any (never blocks).
bool receive_part(MPI_Comm world, Part& part);

// Rank 0: deals the files to its lanes (the groups, or the leaders) in
// batches and hands the blocks of rows they send back to the ordered writer.
// `reads_itself`: per world rank, whether it reads the files it decodes
// (else rank 0 sends their bytes).
RankTiming run_source_rank(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world,
                           const std::vector<InputFile>& files, const std::vector<bool>& reads_itself,
                           OrderedWriter& writer);

// A node's leader: deals rank 0's batches on to its node's groups and
// forwards their rows to rank 0 in file order, in large blocks.
RankTiming run_leader(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world, int rank,
                      JsonlLaneWriter& lines);

// Every rank's node, as the lowest world rank on it (collective over `comm`).
std::vector<int> rank_nodes(MPI_Comm comm);

// The bytes of a batch's photo for the rank that decodes it: what rank 0
// sent (`payload`, when the photo's payload is not -1), or the file at
// `path`, read into `file` (the seconds booked as reading, the file as it
// was read in `identity`); null, with `error` set, when it cannot be read.
const std::vector<std::uint8_t>* photo_bytes(const Job& job, std::int64_t payload_size, const std::string& path,
                                             const std::vector<std::uint8_t>& payload, std::vector<std::uint8_t>& file,
                                             std::string& error, std::string& identity, RankTiming& timing);

// The ranks of `comm` on this rank's node (collective over `comm`).
int ranks_on_node(MPI_Comm comm);

// Rank 0's `text` on every rank of `comm` (collective), in pieces MPI's int
// counts can carry.
void broadcast_from_rank0(std::string& text, MPI_Comm comm);

// Every rank's host name, on rank 0 (empty elsewhere).
std::vector<std::string> gather_hosts(MPI_Comm comm, int rank, int world);
// Every rank's stage times, on rank 0 (empty elsewhere).
std::vector<RankTiming> gather_timings(MPI_Comm comm, int rank, int world, const RankTiming& mine,
                                       std::size_t analyzers);

}  // namespace photoscore::mpi
