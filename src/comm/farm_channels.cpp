// The farm layout's transport: each group is one worker, and rank 0 sends it
// headers point-to-point on the run's communicator (the payload follows with
// payload(), as in every layout).
#include "comm/group_channel.hpp"

namespace photoscore::mpi {

namespace {

class PointToPointChannel final : public GroupChannel {
 public:
  // peer: on rank 0 the worker; on the worker 0, the sender.
  PointToPointChannel(MPI_Comm comm, int peer, bool sending) : comm_(comm), peer_(peer), sending_(sending) {}
  void header(Header& h, MPI_Request& request) const override {
    if (sending_) {
      MPI_Isend(&h, kHeaderWords, MPI_INT64_T, peer_, kTagHeader, comm_, &request);
    } else {
      MPI_Irecv(&h, kHeaderWords, MPI_INT64_T, peer_, kTagHeader, comm_, &request);
    }
  }
  std::int64_t header_bytes() const override { return static_cast<std::int64_t>(sizeof(Header)); }
  MPI_Comm pixels(int) const override { return MPI_COMM_NULL; }

 private:
  MPI_Comm comm_;
  int peer_;
  bool sending_;
};

class FarmChannels final : public LayoutChannels {
 public:
  FarmChannels(const MpiPlan& plan, MPI_Comm world, int rank) {
    for (const PlanGroup& group : plan.groups) {
      const int worker = group.ranks.front();
      channels_.emplace_back(world, rank == 0 ? worker : 0, rank == 0);
    }
  }
  const GroupChannel& group(std::size_t index) const override { return channels_.at(index); }

 private:
  std::vector<PointToPointChannel> channels_;
};

}  // namespace

std::unique_ptr<LayoutChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank) {
  return std::make_unique<FarmChannels>(plan, world, rank);
}

}  // namespace photoscore::mpi
