#pragma once
// The JSONL's lines written by the lanes, not by rank 0 (internal to
// src/comm; the files' side: output/jsonl_pieces.hpp, jsonl_lane_writer.hpp).
//
// A lane (a farm worker, a roles group's merging member, a node's leader)
// that sees the very JSONL rank 0 opened sends rank 0 each block's stub
// instead of its lines and records: sizes, the records' digest, a key.
// Rank 0, when the block's turn comes in file order, answers with its place
// in the JSONL and in NAME.meta and its seal (a grant); the lane writes its
// lines, then its records and seal, and says so (landed). Rank 0's work for
// a block is then a hundred bytes each way and no system call, whatever
// its rows: a row's 570 bytes of line and record no longer pass through
// the one process every row passes.
//
// The end: once every block has come back, rank 0 tells every lane that no
// grant follows (a stopped run may leave a lane holding blocks past the
// photo it stopped at, which are never written), and waits until every
// block granted is down before it closes the JSONL.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "comm/chunk_service.hpp"
#include "comm/mpi_plan.hpp"
#include "output/jsonl_lane_writer.hpp"
#include "output/row_sink.hpp"
#include "record/run_info.hpp"

namespace photoscore::mpi {

constexpr int kTagGrant = 9;    // rank 0 -> a lane: where its blocks' rows go; empty: no more
constexpr int kTagLanded = 10;  // a lane -> rank 0: the keys of blocks whose rows are down

// Start-up, collective over `world`, once rank 0 has opened its sinks
// (`sinks`: rank 0's, null elsewhere): rank 0 offers where its JSONL is,
// and each lane opens it if it sees the same file (nothing is offered with
// PHOTOSCORE_JSONL_VIA_RANK0=1, a benchmark's knob). Returns this rank's
// writer (unusable where rank 0 writes its rows). On rank 0, `summary`
// says who writes the lines (/run `jsonl_lines`) and `notice`, when some
// lanes cannot, which nodes' rows rank 0 writes (a stderr line).
std::unique_ptr<JsonlLaneWriter> share_jsonl(MPI_Comm world, int rank, const MpiPlan& plan,
                                             const RowSink* sinks, const std::vector<std::string>& hosts,
                                             std::string& summary, std::string& notice);

// Rank 0's side.
class LineGrants {
 public:
  LineGrants(MPI_Comm world, const MpiPlan& plan);
  // The places of blocks whose stubs were appended, to their owners (a
  // message per owner).
  void send(std::vector<JsonlGrant>&& grants, RankTiming& timing);
  // Takes the lanes' word that blocks are down: landed(owner, key) for
  // each. Throws std::runtime_error on a message that is not one.
  template <typename Landed>
  bool receive(Landed landed) {
    bool any = false;
    std::string message;
    int from = 0;
    while (receive_arrived(world_, MPI_ANY_SOURCE, kTagLanded, message, from)) {
      if (message.size() % sizeof(std::uint64_t) != 0)
        throw std::runtime_error("a malformed landed message from rank " + std::to_string(from));
      for (std::size_t at = 0; at < message.size(); at += sizeof(std::uint64_t)) {
        std::uint64_t key = 0;
        message.copy(reinterpret_cast<char*>(&key), sizeof key, at);
        landed(static_cast<std::uint64_t>(from), key);
      }
      any = true;
    }
    return any;
  }
  // No grant follows: every lane is told.
  void end(RankTiming& timing);
  bool sent() { return out_.done(); }

 private:
  MPI_Comm world_;
  std::vector<int> lanes_;  // the ranks that send rank 0 blocks
  SendList out_;
};

// A lane's side.
class LaneLines {
 public:
  // `lane`: this rank sends its blocks to rank 0 (and hears from it).
  LaneLines(MPI_Comm world, JsonlLaneWriter& writer, bool lane)
      : world_(world), writer_(writer), lane_(lane) {}
  // Whether this rank writes its blocks' lines itself.
  bool writes() const { return lane_ && writer_.usable(); }
  // A block's JSONL section, its pieces kept here and replaced by stubs
  // owned by `rank` (where writes()).
  void stub(std::string& section, int rank) {
    if (writes()) writer_.stub(section, static_cast<std::uint64_t>(rank));
  }
  // Grants in: their lines and records written (booked as writing), rank
  // 0 told. True if anything came.
  bool serve(RankTiming& timing);
  // Not a lane, or rank 0 said no grant follows and every word sent is out.
  bool done();

 private:
  MPI_Comm world_;
  JsonlLaneWriter& writer_;
  bool lane_;
  bool ended_ = false;
  SendList out_;
};

}  // namespace photoscore::mpi
