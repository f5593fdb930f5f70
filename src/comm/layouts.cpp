#include "comm/layouts.hpp"

#include <stdexcept>

#include "comm/mpi_ranks.hpp"

namespace photoscore::mpi {

namespace {

std::unique_ptr<GroupChannels> farm_channels(const MpiPlan& plan, MPI_Comm world, int rank, std::size_t) {
  return make_farm_channels(plan, world, rank);
}

const LayoutRuntime kRoles{make_roles_channels, run_roles_member};
const LayoutRuntime kFarm{farm_channels, run_farm_worker};

}  // namespace

const LayoutRuntime& layout_runtime(const MpiPlan& plan) {
  if (plan.kind == &layout_kind(Layout::Roles)) return kRoles;
  if (plan.kind == &layout_kind(Layout::Farm)) return kFarm;
  throw std::logic_error("a layout without a runtime");
}

}  // namespace photoscore::mpi
