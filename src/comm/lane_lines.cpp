#include "comm/lane_lines.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "output/utf8.hpp"
#include "record/byte_fields.hpp"

namespace photoscore::mpi {

namespace {

constexpr const char* kCutShort = "a grant of rows cut short";

std::vector<int> lane_ranks(const MpiPlan& plan) {
  std::vector<int> ranks;
  for (const PlanLane& lane : plan_lanes(plan, 0)) ranks.push_back(lane.rank);
  return ranks;
}

std::string encode_target(const JsonlTarget& t) {
  std::string out;
  put_text_field(out, t.path);
  put_text_field(out, t.identity);
  put_text_field(out, t.meta_path);
  put_text_field(out, t.meta_identity);
  return out;
}

JsonlTarget decode_target(std::string_view bytes) {
  FieldReader r(bytes, "the JSONL's place cut short");
  JsonlTarget t;
  t.path = r.text();
  t.identity = r.text();
  t.meta_path = r.text();
  t.meta_identity = r.text();
  return t;
}

bool via_rank0_asked() {
  const char* text = std::getenv("PHOTOSCORE_JSONL_VIA_RANK0");
  return text && std::string(text) == "1";
}

}  // namespace

std::unique_ptr<JsonlLaneWriter> share_jsonl(MPI_Comm world, int rank, const MpiPlan& plan,
                                             const RowSink* sinks, const std::vector<std::string>& hosts,
                                             std::string& summary, std::string& notice) {
  std::string bytes;
  if (rank == 0) {
    const std::optional<JsonlTarget> target = via_rank0_asked() ? std::nullopt : sinks->lane_target();
    if (target) bytes = encode_target(*target);
  }
  broadcast_from_rank0(bytes, world);
  const std::vector<int> lanes = lane_ranks(plan);
  const bool lane = std::find(lanes.begin(), lanes.end(), rank) != lanes.end();
  auto writer = std::make_unique<JsonlLaneWriter>();
  if (lane && !bytes.empty()) writer = std::make_unique<JsonlLaneWriter>(decode_target(bytes));
  // Each rank's answer: 1 it writes, 0 it cannot, -1 not a lane.
  const int mine = lane ? (writer->usable() ? 1 : 0) : -1;
  int world_size = 0;
  MPI_Comm_size(world, &world_size);
  std::vector<int> all(rank == 0 ? static_cast<std::size_t>(world_size) : 0);
  MPI_Gather(&mine, 1, MPI_INT, all.data(), 1, MPI_INT, 0, world);
  if (rank != 0) return writer;

  const auto n = static_cast<int>(lanes.size());
  if (bytes.empty()) {
    summary = via_rank0_asked() ? "rank 0 (PHOTOSCORE_JSONL_VIA_RANK0=1)" : "rank 0";
    return writer;
  }
  int writing = 0;
  std::set<std::string> blind;
  for (int r : lanes) {
    if (all[static_cast<std::size_t>(r)] == 1) {
      ++writing;
    } else {
      blind.insert(hosts[static_cast<std::size_t>(r)]);
    }
  }
  const std::string ranks = std::to_string(n) + " rank" + (n == 1 ? "" : "s");
  if (writing == n) {
    summary = "each lane (" + ranks + ")";
    return writer;
  }
  std::string nodes;
  for (const std::string& h : blind) nodes += (nodes.empty() ? "" : ", ") + h;
  summary =
      (writing == 0 ? std::string("rank 0")
                    : "each lane (" + std::to_string(writing) + " of " + ranks + "), rank 0 for the others") +
      " (not the same file on " + nodes + ")";
  notice = "ranks on " + nodes + " do not see the JSONL rank 0 opened (" +
           for_terminal(sinks->lane_target()->path) + "): rank 0 writes their rows";
  return writer;
}

LineGrants::LineGrants(MPI_Comm world, const MpiPlan& plan) : world_(world), lanes_(lane_ranks(plan)) {}

void LineGrants::send(std::vector<JsonlGrant>&& grants, RankTiming& timing) {
  std::map<std::uint64_t, std::string> by_owner;
  for (const JsonlGrant& g : grants) {
    std::string& out = by_owner[g.owner];
    put_field(out, g.key);
    put_field(out, g.line_at);
    put_field(out, g.record_at);
    put_text_field(out, g.seal);
  }
  for (auto& [owner, bytes] : by_owner)
    out_.send(world_, static_cast<int>(owner), kTagGrant, std::move(bytes), timing);
}

void LineGrants::end(RankTiming& timing) {
  for (int r : lanes_) out_.send(world_, r, kTagGrant, std::string(), timing);
}

bool LaneLines::serve(RankTiming& timing) {
  if (!lane_ || ended_) {
    out_.done();
    return false;
  }
  bool any = false;
  std::string message;
  int from = 0;
  while (!ended_ && receive_arrived(world_, 0, kTagGrant, message, from)) {
    any = true;
    if (message.empty()) {
      // No grant follows: what is still held was past the photo a stopped run ended at.
      ended_ = true;
      writer_.drop_pending();
      break;
    }
    std::string keys;
    {
      StageClock clock(timing.write);
      FieldReader r(message, kCutShort);
      while (!r.done()) {
        JsonlGrant g;
        g.key = r.get<std::uint64_t>();
        g.line_at = r.get<std::uint64_t>();
        g.record_at = r.get<std::uint64_t>();
        g.seal = r.text();
        writer_.write(g);
        put_field(keys, g.key);
      }
    }
    out_.send(world_, 0, kTagLanded, std::move(keys), timing);
  }
  out_.done();
  return any;
}

bool LaneLines::done() { return (!lane_ || ended_) && out_.done(); }

}  // namespace photoscore::mpi
