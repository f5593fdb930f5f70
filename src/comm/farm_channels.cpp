// The farm layout's transport: each group is one worker, and rank 0 sends it
// batches point-to-point on the run's communicator (the photos' bytes, when
// rank 0 reads them, follow with payload(), as in every layout).
#include "comm/group_channel.hpp"

namespace photoscore::mpi {

namespace {

class PointToPointChannel final : public GroupChannel {
 public:
  // peer: on rank 0 the worker; on the worker 0, the sender.
  PointToPointChannel(MPI_Comm comm, int peer) : comm_(comm), peer_(peer) {}
  void send_batch(OutgoingBatch& batch) override {
    MPI_Isend(batch.bytes.data(), static_cast<int>(batch.bytes.size()), MPI_BYTE, peer_, kTagBatch, comm_,
              &batch.requests.emplace_back());
  }
  std::int64_t batch_bytes(std::size_t size) const override { return static_cast<std::int64_t>(size); }
  bool receive_batch(std::string& bytes) override {
    int found = 0;
    MPI_Message message;
    MPI_Status status;
    MPI_Improbe(peer_, kTagBatch, comm_, &found, &message, &status);
    if (!found) return false;
    int size = 0;
    MPI_Get_count(&status, MPI_BYTE, &size);
    bytes.resize(static_cast<std::size_t>(size));
    MPI_Mrecv(bytes.data(), size, MPI_BYTE, &message, MPI_STATUS_IGNORE);
    return true;
  }
  MPI_Comm pixels(int) const override { return MPI_COMM_NULL; }

 private:
  MPI_Comm comm_;
  int peer_;
};

class FarmChannels final : public LayoutChannels {
 public:
  FarmChannels(const MpiPlan& plan, MPI_Comm world, int rank) {
    for (const PlanGroup& group : plan.groups) channels_.emplace_back(world, rank == 0 ? group.ranks.front() : 0);
  }
  GroupChannel& group(std::size_t index) override { return channels_.at(index); }

 private:
  std::vector<PointToPointChannel> channels_;
};

}  // namespace

std::unique_ptr<LayoutChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank) {
  return std::make_unique<FarmChannels>(plan, world, rank);
}

}  // namespace photoscore::mpi
