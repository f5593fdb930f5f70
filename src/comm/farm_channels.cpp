// The farm layout's transport: each group is one worker, and its dealer
// (rank 0 or its node's leader) sends it batches point-to-point on the run's
// communicator (the photos' bytes, when rank 0 reads them, follow with
// payload(), as in every layout). Rank 0 deals to leaders the same way.
#include "comm/group_channel.hpp"
#include "comm/mpi_wait.hpp"

namespace photoscore::mpi {

namespace {

class PointToPointChannel final : public GroupChannel {
 public:
  // peer: on the dealer the worker (or leader); on the worker its dealer.
  PointToPointChannel(MPI_Comm comm, int peer) : comm_(comm), peer_(peer) {}
  void send_batch(OutgoingBatch& batch) override {
    MPI_Isend(batch.bytes.data(), static_cast<int>(batch.bytes.size()), MPI_BYTE, peer_, kTagBatch, comm_,
              &batch.requests.emplace_back());
  }
  std::int64_t batch_bytes(std::size_t size) const override { return static_cast<std::int64_t>(size); }
  bool receive_batch(std::string& bytes) override {
    int from = 0;
    return receive_arrived(comm_, peer_, kTagBatch, bytes, from);
  }
  MPI_Comm pixels(int) const override { return MPI_COMM_NULL; }

 private:
  MPI_Comm comm_;
  int peer_;
};

class FarmChannels final : public GroupChannels {
 public:
  FarmChannels(const MpiPlan& plan, MPI_Comm world, int rank) {
    for (const PlanGroup& group : plan.groups) {
      const int worker = group.ranks.front();
      if (rank == group.dealer) {
        channels_.push_back(std::make_unique<PointToPointChannel>(world, worker));
      } else if (rank == worker) {
        channels_.push_back(std::make_unique<PointToPointChannel>(world, group.dealer));
      } else {
        channels_.push_back(nullptr);
      }
    }
  }
  GroupChannel* group(std::size_t index) override { return channels_.at(index).get(); }

 private:
  std::vector<std::unique_ptr<PointToPointChannel>> channels_;
};

}  // namespace

std::unique_ptr<GroupChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank) {
  return std::make_unique<FarmChannels>(plan, world, rank);
}

std::unique_ptr<GroupChannel> make_point_to_point_channel(MPI_Comm comm, int peer) {
  return std::make_unique<PointToPointChannel>(comm, peer);
}

}  // namespace photoscore::mpi
