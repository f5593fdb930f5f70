#pragma once
// What a layout is to the running ranks (internal to src/comm): the
// channels its groups use and the loop its group ranks run. Chosen once per
// run by the plan's layout; the plan's side of a layout (how it groups
// ranks) is mpi_plan.hpp's LayoutKind.
#include <mpi.h>

#include <memory>

#include "comm/group_channel.hpp"
#include "comm/mpi_plan.hpp"
#include "output/jsonl_lane_writer.hpp"
#include "record/run_info.hpp"
#include "run/job_settings.hpp"

namespace photoscore::mpi {

struct LayoutRuntime {
  // The group channels of `rank` (collective over `world`); `window_bytes`:
  // a member's part of a shared-memory window, where the layout has one.
  std::unique_ptr<GroupChannels> (*channels)(const MpiPlan& plan, MPI_Comm world, int rank,
                                             std::size_t window_bytes);
  // A group rank's whole run: its batches in, its parts or rows out (the
  // rows' JSONL lines written with `lines` where it can: lane_lines.hpp).
  RankTiming (*run_member)(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world,
                           int rank, JsonlLaneWriter& lines);
};

const LayoutRuntime& layout_runtime(const MpiPlan& plan);

}  // namespace photoscore::mpi
