#include "comm/lanes.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "comm/block_report.hpp"
#include "output/row_block.hpp"

namespace photoscore::mpi {

// Photos a lane may hold before its first report: --in-flight per rank that
// decodes, and in the roles layout two more per member (each member decodes
// some photos and, to keep busy while it receives another member's, must
// have its own next ones at hand); a leader: that of all its node's lanes.
std::int64_t Lanes::first_batch(const Lane& lane) const {
  const auto per_rank = static_cast<std::int64_t>(job_.in_flight + plan_.kind->extra_in_flight);
  return per_rank * static_cast<std::int64_t>(lane.plan.members);
}

std::int64_t Lanes::target(const Lane& lane) const {
  const bool leader = lane.plan.group < 0;
  std::int64_t size = first_batch(lane);
  if (lane.returned > 0 && lane.busiest > 0.0) {
    const double per_photo = lane.busiest / static_cast<double>(lane.returned);
    size = std::max<std::int64_t>(size, static_cast<std::int64_t>((leader ? kLeaderBatchSeconds : kBatchSeconds) /
                                                                 per_photo));
  }
  return std::clamp<std::int64_t>(size, 1, leader ? max_leader_batch_ : max_batch_);
}

std::int64_t Lanes::batch_cap(bool leader) {
  const std::int64_t most = leader ? kMaxLeaderBatch : kMaxBatch;
  const auto cap = [&](const char* name) -> long long {
    const char* text = std::getenv(name);
    const long long n = text ? std::atoll(text) : 0;
    return n >= 1 && n <= kMaxLeaderBatch ? n : 0;
  };
  long long n = cap("PHOTOSCORE_BATCH_MAX");
  if (leader && cap("PHOTOSCORE_LEADER_BATCH_MAX") > 0) n = cap("PHOTOSCORE_LEADER_BATCH_MAX");
  return n > 0 ? std::min<std::int64_t>(n, most) : most;
}

std::int64_t Lanes::batch_size(const Lane& lane, std::int64_t left) const {
  const auto lanes = static_cast<std::int64_t>(lanes_.size());
  return std::min({target(lane), std::max<std::int64_t>(1, left / (2 * lanes)), left});
}

Lanes::Lane* Lanes::pick() {
  Lane* best = nullptr;
  for (Lane& lane : lanes_) {
    if (lane.outstanding >= 2 * target(lane)) continue;
    if (!best || lane.outstanding < best->outstanding) best = &lane;
  }
  return best;
}

int Lanes::take(Lane& lane, double weight) {
  const int decoder = lane.balancer ? lane.balancer->assign(lane.seq, weight) : lane.plan.rank;
  ++lane.seq;
  ++lane.outstanding;
  return decoder;
}

std::int64_t Lanes::returned(std::string_view message, std::size_t& block_at) {
  const BlockReport report = read_report(message, block_at);
  if (static_cast<std::size_t>(report.group) >= lanes_.size()) throw std::runtime_error("a block of rows from an unknown lane");
  Lane& lane = lanes_[static_cast<std::size_t>(report.group)];
  for (const MemberReport& m : report.members) {
    lane.busiest = std::max(lane.busiest, m.busy_seconds);
    if (lane.balancer)
      lane.balancer->learn_block(m.rank, m.seq_end, m.decode_seconds, m.analyze_seconds, m.busy_seconds);
  }
  const std::int64_t rows = view_block(message.substr(block_at)).count;
  lane.outstanding -= rows;
  lane.returned += rows;
  return rows;
}

std::int64_t Lanes::outstanding() const {
  std::int64_t n = 0;
  for (const Lane& lane : lanes_) n += lane.outstanding;
  return n;
}

}  // namespace photoscore::mpi
