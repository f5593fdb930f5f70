#pragma once
// Where a group's answers become rows, on the group rank that merges (a
// farm worker; in a roles group its first member). Each photo's parts - one
// per rank that answers for it, each holding its analyzers' results or the
// photo's error - are put together in policy order; once a photo has all
// its parts, and every photo of the group before it is done, its row is
// merged and formatted (finished_row, RowBlockBuilder: what thread mode
// runs), and consecutive rows gather into blocks for rank 0. Rank 0 then
// only puts blocks in file order. No MPI here: tested on its own.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "comm/block_report.hpp"
#include "comm/mpi_plan.hpp"
#include "output/chunk_assembly.hpp"
#include "output/h5_sink.hpp"
#include "output/jsonl_lane_writer.hpp"
#include "output/row_block.hpp"
#include "run/job_settings.hpp"
#include "run/photo_batch.hpp"
#include "run/process_image.hpp"

namespace photoscore::mpi {

class RowAssembler {
 public:
  RowAssembler(const Job& job, const MpiPlan& plan, std::size_t group);

  // A batch dealt to the group (batches in the order they were dealt),
  // arrived at `now` (this rank's clock: rows' latency counts from here).
  void expect(const PhotoBatch& batch, double now);
  // Rank `rank`'s part of the group's photo `seq` (its analyzers' results in
  // its plan order, or the error), and the rank's busy seconds so far.
  // Formats every row this completes. A part may come before its batch: the
  // dealer sends a batch to every member, and a member that got it first can
  // decode, score and answer before the batch reaches this rank (messages
  // from different ranks keep no order). Such a part is held until its
  // batch is expected.
  void add(int rank, std::int64_t seq, ImageOutcome&& part, double busy_seconds, double now);
  // The dealer sent its last batch: a part still held answers a photo that
  // was never dealt. Throws std::runtime_error then.
  void dealing_ended() const;

  // Whether a block should go to rank 0 now: rows that end a batch (rank 0
  // counts on them to deal more), kMaxRows of them, or rows that have
  // waited kMaxSeconds (what a killed job would lose).
  bool block_due(double now) const;
  // The due rows (all formatted rows) and the report, as one message; the
  // rows' HDF5 records go apart, as pieces for their chunks' owners
  // (chunk_service.hpp): the message carries their count alone.
  void take_message(std::string& out, std::vector<ChunkPiece>& pieces);
  // From now on the blocks' JSONL lines stay here, in `writer`, under
  // stubs owned by `owner` (this rank): it writes them where rank 0 says
  // (lane_lines.hpp). For a group whose blocks go to rank 0.
  void write_lines_with(JsonlLaneWriter& writer, int owner) {
    lines_ = &writer;
    owner_ = owner;
  }
  // The rank its blocks go to: rank 0, or its node's leader.
  int dealer() const { return group_.dealer; }
  // Nothing expected and nothing held.
  bool idle() const { return photos_.empty() && early_.empty() && sealed_.empty() && builder_.count() == 0; }
  // Seconds spent merging and formatting rows.
  double merge_seconds() const { return merge_seconds_; }

  static constexpr std::int64_t kMaxRows = 1024;
  static constexpr double kMaxSeconds = 0.25;

 private:
  struct Expected {
    std::int64_t index = 0;
    std::int64_t seq = 0;
    InputFile file;
    int pending = 0;  // parts still to come
    ImageOutcome outcome;
    std::size_t error_from = 0;  // first analyzer of the rank whose error is kept
    ImageTiming timing;
    double arrived_at = 0.0;
    bool ends_batch = false;
  };
  struct EarlyPart {
    int rank = 0;
    std::int64_t seq = 0;
    ImageOutcome part;
    double busy_seconds = 0.0;
  };
  void format_ready(double now);
  void seal();
  std::size_t member(int rank) const;

  const Job& job_;
  const MpiPlan& plan_;
  const PlanGroup& group_;
  std::int32_t lane_;  // the group's place among its dealer's lanes
  std::size_t count_;  // analyzers
  std::deque<Expected> photos_;  // by seq, contiguous
  std::int64_t dealt_end_ = -1;  // the seq after the last photo expected; -1 before the first batch
  std::vector<EarlyPart> early_;  // parts that came before their batch, in arrival order
  RowBlockBuilder builder_;      // the open block: rows formatted, not yet sealed
  double open_since_ = 0.0;      // when its first row was formatted
  std::deque<RowBlock> sealed_;  // blocks ready to go, in order
  std::vector<MemberReport> members_;  // per member of the group, since the last message
  std::vector<bool> reported_;         // per member: something new to report
  double merge_seconds_ = 0.0;
  const std::size_t h5_;              // the HDF5 records' section, or kNoSection
  const std::size_t jsonl_;           // the JSONL's section, or kNoSection
  JsonlLaneWriter* lines_ = nullptr;  // keeps the JSONL lines (write_lines_with)
  int owner_ = 0;
  H5RecordSizes h5_sizes_;
};

}  // namespace photoscore::mpi
