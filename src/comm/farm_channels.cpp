// The farm layout's transport: each group is one worker, and rank 0 sends it
// headers and photo bytes point-to-point on the run's communicator.
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
  void bytes(std::vector<std::uint8_t>& data, std::vector<MPI_Request>& requests) const override {
    for_each_piece(data.data(), data.size(), [&](std::uint8_t* p, int n) {
      if (sending_) {
        MPI_Isend(p, n, MPI_BYTE, peer_, kTagData, comm_, &requests.emplace_back());
      } else {
        MPI_Irecv(p, n, MPI_BYTE, peer_, kTagData, comm_, &requests.emplace_back());
      }
    });
  }

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
