#pragma once
// What a dealing rank (rank 0, or a node's leader) knows of the lanes it
// deals to and how it sizes their batches (internal to src/comm).
//
// A lane is dealt a new batch while it holds fewer photos than twice its
// batch size, so it always has the next batch at hand when it finishes one
// (the pipeline never drains). A batch is about kBatchSeconds of the lane's
// work (a leader's: kLeaderBatchSeconds of its node's), measured from what
// the lane reports with its rows (its busiest member's busy seconds per
// photo; a leader reports its node's elapsed seconds), between 1 and
// kMaxBatch photos; towards the end batches shrink (at most the photos
// left over twice the lanes: guided self-scheduling), so the last ones
// finish together.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "comm/decode_balancer.hpp"
#include "comm/group_channel.hpp"
#include "comm/inbox.hpp"
#include "comm/mpi_plan.hpp"
#include "image/clock.hpp"
#include "record/run_info.hpp"
#include "run/job_settings.hpp"

namespace photoscore::mpi {

class Lanes {
 public:
  struct Lane {
    PlanLane plan;
    GroupChannel* channel = nullptr;
    std::int64_t outstanding = 0;  // photos dealt and not yet back as rows
    std::int64_t seq = 0;          // the lane's next photo number
    std::int64_t returned = 0;     // photos back as rows
    double busiest = 0.0;          // its busiest member's busy seconds, as last reported
    bool rank0_reads = false;      // rank 0 reads the lane's photos and sends their bytes
    std::optional<DecodeBalancer> balancer;  // a roles group: who decodes each photo
  };

  // The lanes of `dealer` (plan_lanes), each on channels(i) for its i-th.
  template <typename Channel>
  Lanes(const Job& job, const MpiPlan& plan, int dealer, const std::vector<bool>& reads_itself, Channel channel)
      : job_(job), plan_(plan) {
    for (const PlanLane& p : plan_lanes(plan, dealer)) {
      Lane& lane = lanes_.emplace_back();
      lane.plan = p;
      lane.channel = &channel(lanes_.size() - 1);
      if (p.group >= 0) {
        const PlanGroup& group = plan.groups[static_cast<std::size_t>(p.group)];
        if (plan.kind->shares_photos) lane.balancer.emplace(group);
        // A group with a rank that cannot see the input gets every photo's
        // bytes from rank 0, whoever decodes it.
        for (int r : group.ranks) lane.rank0_reads |= !reads_itself[static_cast<std::size_t>(r)];
      }
    }
  }

  std::vector<Lane>& all() { return lanes_; }
  // The lane with room that holds the fewest photos; null when none has room.
  Lane* pick();
  // Photos of `lane`'s next batch with `left` photos left to deal.
  std::int64_t batch_size(const Lane& lane, std::int64_t left) const;
  // The rank that decodes `lane`'s next photo (a roles group's member the
  // balancer picks, weighing the photo `weight`; else the lane's rank);
  // counts the photo as the lane's.
  int take(Lane& lane, double weight);
  // A block message from one of the lanes: its report booked; returns the
  // block's rows, and where the block starts in `message`.
  std::int64_t returned(std::string_view message, std::size_t& block_at);
  // Takes every block message that has arrived in `blocks`: each one
  // returned() (booked as merging), then handed to keep(message, block_at),
  // which books its own time. The rest is communication (waiting when
  // nothing came). True if anything moved.
  template <typename Keep>
  bool collect(Inbox& blocks, RankTiming& timing, Keep keep) {
    double handling = 0.0;
    const double start = seconds_now();
    const bool moved = blocks.pump([&](int, std::string&& message) {
      const double t0 = seconds_now();
      std::size_t block_at = 0;
      returned(message, block_at);
      timing.merge += seconds_now() - t0;
      keep(std::move(message), block_at);
      handling += seconds_now() - t0;
    });
    (moved ? timing.comm : timing.wait) += seconds_now() - start - handling;
    return moved;
  }
  std::int64_t outstanding() const;

  // A block of rows comes back a batch: rank 0's cost a block is spread
  // over the batch's photos (about 80 us a block on the test machines, the
  // messages and writes of it), so a 4 MP batch of 0.2 s (about 14 photos)
  // costs rank 0 a few us a photo where 50 ms (3 photos) cost it tens.
  static constexpr double kBatchSeconds = 0.2;
  // A leader's batch comes back as one block too, of the node's rows: over
  // leaders rank 0 costs about 40 us a block (the ceiling runs,
  // docs/scaling.md), shared by 0.5 s of a 16-core node's work (about 420
  // rows of 4 MP photos) where 0.2 s gave it about 160. The leader holds a block's
  // rows as long (kMaxSeconds in leader.cpp): with its groups' quarter
  // second, a killed job still loses under a second of rows.
  static constexpr double kLeaderBatchSeconds = 0.5;
  static constexpr std::int64_t kMaxBatch = 256;
  static constexpr std::int64_t kMaxLeaderBatch = 8192;
  // PHOTOSCORE_BATCH_MAX=N (1 to kMaxLeaderBatch) lowers the caps, a
  // group's to min(N, kMaxBatch), a leader's to N: a benchmark's knob
  // (jobs/rank0_ceiling.sh BATCHES), so a dealer's cost of a block and of a
  // row can be told apart on the same photos. PHOTOSCORE_LEADER_BATCH_MAX=N
  // lowers a leader's cap alone (and wins over the first for it): rank 0's
  // blocks shrink while the groups' batches, and the messages the leader and
  // its workers exchange, stay as they are. Not options: batches change no
  // result, only how often the dealer is called.
  static std::int64_t batch_cap(bool leader);

 private:
  std::int64_t first_batch(const Lane& lane) const;
  // Its batch size before the end: about the seconds above of its work.
  std::int64_t target(const Lane& lane) const;

  const Job& job_;
  const MpiPlan& plan_;
  std::vector<Lane> lanes_;
  const std::int64_t max_batch_ = batch_cap(false);
  const std::int64_t max_leader_batch_ = batch_cap(true);
};

}  // namespace photoscore::mpi
