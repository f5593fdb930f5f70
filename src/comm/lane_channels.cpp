// Every channel of a rank: its groups' (one file per layout) and, with
// leaders, the point-to-point links between rank 0 and each leader.
#include <stdexcept>

#include "comm/group_channel.hpp"
#include "comm/layouts.hpp"

namespace photoscore::mpi {

LaneChannels::LaneChannels(const MpiPlan& plan, MPI_Comm world, int rank, std::size_t window_bytes)
    : plan_(plan), rank_(rank), lanes_(plan_lanes(plan, rank)) {
  groups_ = layout_runtime(plan).channels(plan, world, rank, window_bytes);
  if (rank == 0) {
    for (int leader : plan.leaders) leaders_.push_back(make_point_to_point_channel(world, leader));
  } else if (plan.ranks[static_cast<std::size_t>(rank)].leader) {
    leaders_.push_back(make_point_to_point_channel(world, 0));
  }
}

GroupChannel& LaneChannels::lane(std::size_t index) {
  const PlanLane& lane = lanes_.at(index);
  if (lane.group < 0) return *leaders_.at(index);
  GroupChannel* channel = groups_->group(static_cast<std::size_t>(lane.group));
  if (!channel) throw std::logic_error("no channel to lane " + std::to_string(index));
  return *channel;
}

GroupChannel& LaneChannels::own() {
  const int group = plan_.ranks.at(static_cast<std::size_t>(rank_)).group;
  GroupChannel* channel = group >= 0 ? groups_->group(static_cast<std::size_t>(group)) : nullptr;
  if (!channel) throw std::logic_error("rank " + std::to_string(rank_) + " is in no group");
  return *channel;
}

GroupChannel& LaneChannels::upstream() {
  if (rank_ == 0 || leaders_.size() != 1) throw std::logic_error("only a leader has a channel from rank 0");
  return *leaders_.front();
}

}  // namespace photoscore::mpi
