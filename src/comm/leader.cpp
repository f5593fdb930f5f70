// A node's leader (with leaders): rank 0 deals it large batches, which it
// deals on to its node's groups in batches of their size (lanes.hpp, as rank
// 0 deals without leaders); the blocks of rows its groups send back it puts
// together in file order into blocks as large as rank 0's batches and
// forwards them. Rank 0 then handles a message per node and per fraction of
// a second, not per group and batch: with thousands of groups, their
// messages, not the rows, are what would bound one rank 0.
//
// Leaders exist only where every rank reads its own photos: a leader never
// holds a photo's bytes.
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <stdexcept>

#include "comm/block_report.hpp"
#include "comm/chunk_service.hpp"
#include "comm/inbox.hpp"
#include "comm/lane_lines.hpp"
#include "comm/lanes.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "image/clock.hpp"
#include "run/photo_batch.hpp"

namespace photoscore::mpi {

namespace {

class Leader {
 public:
  Leader(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world, int rank,
         JsonlLaneWriter& writer)
      : world_(world),
        rank_(rank),
        upstream_(channels.upstream()),
        lanes_(job, plan, rank, std::vector<bool>(static_cast<std::size_t>(plan.world), true),
               [&](std::size_t i) -> GroupChannel& { return channels.lane(i); }),
        blocks_(world, kTagBlock),
        chunks_(world, rank, plan.world, job.format.row_offset),
        lines_(world, writer, true),
        jsonl_(section_of(job.formats, RowFormat::Jsonl)) {
    for (std::size_t i = 0; i < plan.leaders.size(); ++i) {
      if (plan.leaders[i] == rank) lane_ = static_cast<std::int32_t>(i);
    }
    timing_ = empty_timing(job.policy.analyzers.size());
  }

  RankTiming run() {
    start_ = seconds_now();
    for (;;) {
      bool progress = account(timing_, [&] { return receive(); });
      progress |= deal();
      progress |= collect();
      progress |= forward();
      progress |=
          account(timing_, [&] { return chunks_.serve(timing_) | lines_.serve(timing_) | finish_sends(); });
      if (ended_ && !sent_end_ && pool_.empty() && lanes_.outstanding() == 0 && held_.empty() && ranges_.empty() &&
          open_.count == 0) {
        StageClock clock(timing_.comm);
        for (Lanes::Lane& lane : lanes_.all()) {
          auto out = std::make_unique<OutgoingBatch>();
          lane.channel->send_batch(*out);
          outgoing_.push_back(std::move(out));
        }
        sent_end_ = true;
      }
      if (sent_end_ && outgoing_.empty() && chunks_.done() && lines_.done()) break;
      if (!progress) {
        StageClock clock(timing_.wait);
        poll_until(
            [&] {
              int arrived = 0;
              MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, world_, &arrived, MPI_STATUS_IGNORE);
              // The end of its last chunk sends (rank 0 waits for nothing
              // else from it then) wakes it too.
              return arrived != 0 || finish_sends() ||
                     (open_.count > 0 && seconds_now() - open_since_ >= kMaxSeconds) ||
                     (sent_end_ && chunks_.done());
            },
            kDealerNap);
      }
    }
    timing_.wall = seconds_now() - start_;
    return timing_;
  }

 private:
  struct Pooled {
    std::int64_t index;
    BatchPhoto photo;
  };
  struct Range {
    std::int64_t first;
    std::int64_t end;
  };

  // Rank 0's batches: their photos join the pool.
  bool receive() {
    bool moved = false;
    while (!ended_ && upstream_.receive_batch(bytes_)) {
      moved = true;
      if (bytes_.empty()) {
        ended_ = true;
        break;
      }
      PhotoBatch batch = decode_batch(bytes_);
      const auto count = static_cast<std::int64_t>(batch.photos.size());
      ranges_.push_back({batch.first, batch.first + count});
      for (std::int64_t k = 0; k < count; ++k)
        pool_.push_back({batch.first + k, std::move(batch.photos[static_cast<std::size_t>(k)])});
    }
    return moved;
  }

  // The pool to the node's lanes, each batch consecutive photos.
  bool deal() {
    bool progress = false;
    while (!pool_.empty()) {
      Lanes::Lane* lane = lanes_.pick();
      if (!lane) break;
      const std::int64_t size = lanes_.batch_size(*lane, static_cast<std::int64_t>(pool_.size()));
      auto out = std::make_unique<OutgoingBatch>();
      PhotoBatch batch;
      batch.first = pool_.front().index;
      batch.seq = lane->seq;
      while (!pool_.empty() && static_cast<std::int64_t>(batch.photos.size()) < size &&
             pool_.front().index == batch.first + static_cast<std::int64_t>(batch.photos.size())) {
        BatchPhoto photo = std::move(pool_.front().photo);
        pool_.pop_front();
        photo.payload = -1;
        photo.decoder = lanes_.take(*lane, 1.0);
        batch.photos.push_back(std::move(photo));
      }
      StageClock clock(timing_.comm);
      encode_batch(batch, out->bytes);
      lane->channel->send_batch(*out);
      timing_.bytes_sent += lane->channel->batch_bytes(out->bytes.size());
      outgoing_.push_back(std::move(out));
      progress = true;
    }
    return progress;
  }

  // The lanes' blocks, held until they are next in file order.
  bool collect() {
    return lanes_.collect(blocks_, timing_, [&](std::string&& message, std::size_t block_at) {
      const double t0 = seconds_now();
      const std::int64_t first = view_block(std::string_view(message).substr(block_at)).first;
      held_.emplace(first, Held{std::move(message), block_at});
      timing_.merge += seconds_now() - t0;
    });
  }

  // Joins the held blocks that come next into the open block; sends it when
  // it ends one of rank 0's batches (rank 0 deals on when it hears), holds
  // kMaxRows rows, or its rows have waited kMaxSeconds. A lane's block may
  // run over from one of rank 0's batches into the next (the leader deals
  // consecutive photos as one); rank 0's batches are apart where other
  // leaders' photos lie between, and a block never spans those.
  bool forward() {
    bool moved = false;
    const double t0 = seconds_now();
    for (;;) {
      while (!ranges_.empty() && ranges_.front().end <= next_) ranges_.pop_front();
      if (ranges_.empty()) break;
      if (next_ < ranges_.front().first) {
        if (open_.count > 0) send_open();
        next_ = ranges_.front().first;
      }
      const auto it = held_.find(next_);
      if (it == held_.end()) break;
      const RowBlockView view = view_block(std::string_view(it->second.message).substr(it->second.block_at));
      // A stopped block (a photo abandoned as the run stopped) ends the
      // rows before it and takes in every block after it: rank 0 writes
      // none of those, but counts them answered.
      if (view.stopped && open_.count > 0 && !open_.stopped) send_open();
      if (open_.count == 0) {
        open_.first = view.first;
        open_.stopped = view.stopped;
        open_.sections.assign(view.sections.size(), std::string());
        open_since_ = seconds_now();
      }
      if (!open_.stopped) {
        for (std::size_t k = 0; k < view.sections.size(); ++k) open_.sections[k] += view.sections[k];
        open_.errors += view.errors;
      }
      open_.count += view.count;
      next_ += view.count;
      held_.erase(it);
      moved = true;
      bool batch_done = false;
      while (!ranges_.empty() && ranges_.front().end <= next_) {
        ranges_.pop_front();
        batch_done = true;
      }
      if (batch_done || open_.count >= kMaxRows) send_open();
    }
    if (open_.count > 0 && seconds_now() - open_since_ >= kMaxSeconds) {
      send_open();
      moved = true;
    }
    timing_.merge += seconds_now() - t0;
    return moved;
  }

  void send_open() {
    BlockReport report;
    report.group = lane_;
    // The node's elapsed seconds: rank 0 sizes the next batches by them.
    report.members.push_back({rank_, 0, 0.0, 0.0, seconds_now() - start_});
    // Its lines stay here until rank 0 says where they go (lane_lines.hpp).
    if (jsonl_ != kNoSection) lines_.stub(open_.sections[jsonl_], rank_);
    std::string block;
    encode_block(open_, block);
    Up& up = up_.emplace_back();
    write_block_message(report, block, up.message);
    MPI_Isend(up.message.data(), static_cast<int>(up.message.size()), MPI_BYTE, 0, kTagBlock, world_, &up.request);
    timing_.bytes_sent += static_cast<std::int64_t>(up.message.size());
    open_ = RowBlock{};
  }

  bool finish_sends() {
    bool any = false;
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      if (test_all((*it)->requests)) {
        it = outgoing_.erase(it);
        any = true;
      } else {
        ++it;
      }
    }
    for (auto it = up_.begin(); it != up_.end();) {
      if (test(it->request)) {
        it = up_.erase(it);
        any = true;
      } else {
        ++it;
      }
    }
    return any;
  }

  static constexpr std::int64_t kMaxRows = 16384;
  // As long as rank 0's batches to a leader last (Lanes::kLeaderBatchSeconds),
  // so a block is a whole batch, not the half of one that came back first.
  static constexpr double kMaxSeconds = Lanes::kLeaderBatchSeconds;

  struct Held {
    std::string message;
    std::size_t block_at = 0;
  };
  struct Up {
    std::string message;
    MPI_Request request = MPI_REQUEST_NULL;
  };

  MPI_Comm world_;
  int rank_;
  std::int32_t lane_ = 0;  // its place among rank 0's lanes
  GroupChannel& upstream_;
  Lanes lanes_;
  Inbox blocks_;
  ChunkFilterer chunks_;
  LaneLines lines_;
  const std::size_t jsonl_;  // the JSONL's section of a block, if the run has one
  RankTiming timing_;
  double start_ = 0.0;
  std::string bytes_;
  bool ended_ = false;
  bool sent_end_ = false;
  std::deque<Pooled> pool_;             // dealt by rank 0, not yet dealt on
  std::deque<Range> ranges_;            // rank 0's batches not yet forwarded whole
  std::map<std::int64_t, Held> held_;   // blocks from the lanes, by first row
  RowBlock open_;                       // rows joined, not yet forwarded
  std::int64_t next_ = -1;              // the next row to join
  double open_since_ = 0.0;
  std::list<std::unique_ptr<OutgoingBatch>> outgoing_;
  std::list<Up> up_;
};

}  // namespace

RankTiming run_leader(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world, int rank,
                      JsonlLaneWriter& lines) {
  Leader leader(job, plan, channels, world, rank, lines);
  return leader.run();
}

}  // namespace photoscore::mpi
