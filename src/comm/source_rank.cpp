// Rank 0 of an MPI run: the image source and the writer. It deals the file
// list to the groups in batches of consecutive photos and takes back blocks
// of rows that the groups merged and formatted themselves, which the ordered
// writer appends in file order. Its work a photo is a few bytes of a batch
// and a share of a block: no message, no merge, no formatting (the groups
// do those), and no read unless it reads for a rank that cannot
// (--read rank0, or a node that cannot see the input).
//
// Batches: a group is dealt a new batch while it holds fewer photos than
// twice its batch size, so it always has the next batch at hand when it
// finishes one (the pipeline never drains). A batch is about kBatchSeconds
// of the group's work, measured from what the group reports with its rows
// (its busiest member's seconds per photo), between 1 and kMaxBatch photos;
// towards the end batches shrink (at most the photos left over twice the
// groups: guided self-scheduling), so the last ones finish together.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>

#include "comm/block_report.hpp"
#include "comm/chunk_service.hpp"
#include "comm/decode_balancer.hpp"
#include "comm/inbox.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "run/clock.hpp"
#include "run/photo_batch.hpp"
#include "run/process_image.hpp"
#include "run/stop_signal.hpp"

namespace photoscore::mpi {

namespace {

class Source {
 public:
  Source(const Job& job, const MpiPlan& plan, LayoutChannels& channels, MPI_Comm world,
         const std::vector<InputFile>& files, const std::vector<bool>& reads_itself, OrderedWriter& writer)
      : job_(job),
        plan_(plan),
        world_(world),
        files_(files),
        reads_itself_(reads_itself),
        writer_(writer),
        errors_(job.formats, job.format),
        chunks_(world, plan.world),
        blocks_(world, kTagBlock) {
    // The HDF5 chunks are compressed by the scoring ranks (chunk_service.hpp).
    writer_.offload();
    for (std::size_t g = 0; g < plan.groups.size(); ++g) {
      Group& group = groups_.emplace_back();
      group.channel = &channels.group(g);
      group.members = plan.groups[g].ranks.size();
      if (plan.layout == Layout::Roles) group.balancer.emplace(plan.groups[g]);
      // A group with a rank that cannot see the input gets every photo's
      // bytes from rank 0, whoever decodes it.
      for (int r : plan.groups[g].ranks) group.rank0_reads |= !reads_itself[static_cast<std::size_t>(r)];
    }
    timing_ = empty_timing(job.policy.analyzers.size());
  }

  RankTiming run() {
    const double start = MPI_Wtime();
    end_ = files_.size();
    bool ended = false;
    while (!ended || !outgoing_.empty() || !chunks_.sent()) {
      // A stop (SIGTERM, SIGINT) ends dealing here; the photos already dealt
      // are answered and written, then the groups get their end as after the
      // last photo. Group ranks that got the signal too keep serving until then.
      if (stop_requested() && end_ > next_) end_ = next_;
      bool progress = deal();
      progress |= collect();
      // A sink that failed ends the run here, on rank 0, which aborts the job.
      writer_.rethrow_failure();
      writer_.tick();
      progress |= chunks();
      if (!ended && next_ == end_ && outstanding() == 0 && chunks_.pending() == 0) {
        StageClock clock(timing_.comm);
        for (Group& group : groups_) {
          auto out = std::make_unique<OutgoingBatch>();
          group.channel->send_batch(*out);
          timing_.bytes_sent += group.channel->batch_bytes(0);
          outgoing_.push_back(std::move(out));
        }
        ended = true;
        progress = true;
      }
      progress |= account(timing_, [&] { return finish_sends(); });
      if (!progress) {
        StageClock clock(timing_.wait);
        poll_until([&] {
          int arrived = 0;
          MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, world_, &arrived, MPI_STATUS_IGNORE);
          return arrived != 0 || finish_sends() || stop_requested() || seconds_now() >= writer_due();
        });
      }
    }
    timing_.wall = MPI_Wtime() - start;
    return timing_;
  }

 private:
  struct Group {
    GroupChannel* channel = nullptr;
    std::size_t members = 1;
    std::int64_t outstanding = 0;  // photos dealt and not yet back as rows
    std::int64_t seq = 0;          // the group's next photo number
    std::int64_t returned = 0;     // photos back as rows
    double busiest = 0.0;          // its busiest member's busy seconds, as last reported
    bool rank0_reads = false;      // rank 0 reads the group's photos and sends their bytes
    std::optional<DecodeBalancer> balancer;  // roles: who decodes each photo
  };

  std::int64_t outstanding() const {
    std::int64_t n = 0;
    for (const Group& g : groups_) n += g.outstanding;
    return n;
  }

  // When the writer's buffered rows are due to be flushed: the wait must
  // not outlast it.
  double writer_due() const { return last_tick_ + 0.05; }

  // Photos a group may hold before its first report: --in-flight per rank
  // that decodes, and in the roles layout two more per member (each member
  // decodes some photos and, to keep busy while it receives another
  // member's, must have its own next ones at hand).
  std::int64_t first_batch(const Group& g) const {
    const auto members = static_cast<std::int64_t>(g.members);
    return plan_.layout == Layout::Roles ? (job_.in_flight + 2) * members : job_.in_flight;
  }

  std::int64_t batch_size(const Group& g) const {
    std::int64_t size = first_batch(g);
    if (g.returned > 0 && g.busiest > 0.0) {
      const double per_photo = g.busiest / static_cast<double>(g.returned);
      size = std::max<std::int64_t>(size, static_cast<std::int64_t>(kBatchSeconds / per_photo));
    }
    return std::clamp<std::int64_t>(size, 1, max_batch_);
  }

  // Deals batches while a group has room, to the group holding the fewest photos.
  bool deal() {
    bool progress = false;
    for (;;) {
      last_tick_ = seconds_now();
      if (next_ >= end_ || !writer_.has_room(next_)) break;
      Group* best = nullptr;
      for (Group& g : groups_) {
        if (g.outstanding >= 2 * batch_size(g)) continue;
        if (!best || g.outstanding < best->outstanding) best = &g;
      }
      if (!best) break;
      const auto left = static_cast<std::int64_t>(end_ - next_);
      const auto groups = static_cast<std::int64_t>(groups_.size());
      std::int64_t size = std::min(batch_size(*best), std::max<std::int64_t>(1, left / (2 * groups)));
      size = std::min(size, left);
      send_batch(*best, size);
      progress = true;
    }
    return progress;
  }

  void send_batch(Group& group, std::int64_t size) {
    auto out = std::make_unique<OutgoingBatch>();
    PhotoBatch batch;
    batch.seq = group.seq;
    const std::size_t g = static_cast<std::size_t>(&group - groups_.data());
    for (std::int64_t k = 0; k < size; ++k) {
      const std::size_t index = next_;
      const InputFile& file = files_[index];
      BatchPhoto photo;
      photo.filename = file.filename;
      photo.path = file.path;
      std::vector<std::uint8_t> bytes;
      if (group.rank0_reads) {
        std::string error;
        const double t0 = MPI_Wtime();
        const bool readable = read_photo(file.path, bytes, error, job_.limits.max_file_bytes);
        photo.read_seconds = MPI_Wtime() - t0;
        timing_.read += photo.read_seconds;
        if (!readable) {
          if (!batch.photos.empty()) break;  // the batch ends before it; its row is rank 0's
          write_unread(index, file, std::move(error), photo.read_seconds);
          continue;
        }
        photo.payload = static_cast<std::int64_t>(bytes.size());
      }
      // The decoder: in a roles group the member the balancer picks (a
      // photo weighs its bytes when rank 0 has them), else the worker.
      photo.decoder = group.balancer
                          ? group.balancer->assign(group.seq, photo.payload > 0 ? static_cast<double>(photo.payload) : 1.0)
                          : plan_.groups[g].ranks.front();
      if (batch.photos.empty()) batch.first = static_cast<std::int64_t>(next_);
      ++next_;
      ++group.seq;
      if (photo.payload >= 0) out->payloads.push_back(std::move(bytes));
      batch.photos.push_back(std::move(photo));
    }
    if (batch.photos.empty()) return;
    StageClock clock(timing_.comm);
    encode_batch(batch, out->bytes);
    group.channel->send_batch(*out);
    timing_.bytes_sent += group.channel->batch_bytes(out->bytes.size());
    std::size_t p = 0;
    for (const BatchPhoto& photo : batch.photos) {
      if (photo.payload < 0) continue;
      std::vector<std::uint8_t>& bytes = out->payloads[p++];
      payload(world_, photo.decoder, true, bytes, out->requests);
      timing_.bytes_sent += static_cast<std::int64_t>(bytes.size());
    }
    group.outstanding += static_cast<std::int64_t>(batch.photos.size());
    outgoing_.push_back(std::move(out));
  }

  // A file rank 0 could not read: nobody else needs to see it, and its
  // error row is formatted here.
  void write_unread(std::size_t index, const InputFile& file, std::string error, double read_seconds) {
    ++next_;
    ImageTiming timing;
    timing.ranks = {0};
    timing.read_seconds = read_seconds;
    timing.analyzer_seconds.assign(job_.policy.analyzers.size(), 0.0);
    const ScoredRow row = finished_row(file, failed_outcome(std::move(error), 0.0), job_.policy);
    errors_.add(row, timing, static_cast<std::int64_t>(index));
    writer_.finish(errors_.take());
  }

  // Frees the buffers of every batch whose sends are done; true if any were.
  bool finish_sends() {
    const std::size_t before = outgoing_.size();
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      it = test_all((*it)->requests) ? outgoing_.erase(it) : std::next(it);
    }
    chunks_.sent();
    return outgoing_.size() != before;
  }

  // Full HDF5 chunks out to be compressed, compressed ones in to be written
  // (which the writer books as writing; the rest is communication).
  bool chunks() {
    const double start = MPI_Wtime();
    double writing = 0.0;
    std::vector<Offload> work = writer_.take_offloads();
    const bool sent = !work.empty();
    if (sent) chunks_.send(std::move(work), timing_);
    const bool back = chunks_.receive([&](std::uint64_t key, std::string&& filtered) {
      const double t0 = MPI_Wtime();
      writer_.finish_offload(key, std::move(filtered));
      writing += MPI_Wtime() - t0;
    });
    ((sent || back) ? timing_.comm : timing_.wait) += MPI_Wtime() - start - writing;
    return sent || back;
  }

  // Takes every block that has arrived. The time spent receiving is
  // communication (waiting when nothing came); handling a block is merging,
  // except the writer's appends, which the writer books as writing.
  bool collect() {
    double handling = 0.0;
    const double start = MPI_Wtime();
    const bool moved = blocks_.pump([&](int, std::string&& message) {
      const double t0 = MPI_Wtime();
      std::size_t block_at = 0;
      const BlockReport report = read_report(message, block_at);
      if (static_cast<std::size_t>(report.group) >= groups_.size())
        throw std::runtime_error("a block of rows from an unknown group");
      Group& group = groups_[static_cast<std::size_t>(report.group)];
      for (const MemberReport& m : report.members) {
        group.busiest = std::max(group.busiest, m.busy_seconds);
        if (group.balancer)
          group.balancer->learn_block(m.rank, m.seq_end, m.decode_seconds, m.analyze_seconds, m.busy_seconds);
      }
      const std::int64_t rows = view_block(std::string_view(message).substr(block_at)).count;
      group.outstanding -= rows;
      group.returned += rows;
      const double t1 = MPI_Wtime();
      writer_.finish_encoded(std::move(message), block_at);
      const double t2 = MPI_Wtime();
      timing_.merge += t1 - t0;
      handling += t2 - t0;
    });
    (moved ? timing_.comm : timing_.wait) += MPI_Wtime() - start - handling;
    return moved;
  }

  // A batch of about this many seconds of a group's work; at most kMaxBatch photos.
  static constexpr double kBatchSeconds = 0.05;
  static constexpr std::int64_t kMaxBatch = 256;
  // PHOTOSCORE_BATCH_MAX=N (1 to kMaxBatch) lowers the cap: a benchmark's
  // knob (jobs/rank0_ceiling.sh BATCHES), so rank 0's cost of a block and
  // of a row can be told apart on the same photos. Not an option: batches
  // change no result, only how often rank 0 is called.
  static std::int64_t batch_cap() {
    const char* text = std::getenv("PHOTOSCORE_BATCH_MAX");
    const long long n = text ? std::atoll(text) : 0;
    return n >= 1 && n <= kMaxBatch ? n : kMaxBatch;
  }
  const std::int64_t max_batch_ = batch_cap();

  const Job& job_;
  const MpiPlan& plan_;
  MPI_Comm world_;
  const std::vector<InputFile>& files_;
  const std::vector<bool>& reads_itself_;
  OrderedWriter& writer_;
  RowBlockBuilder errors_;  // rows of files rank 0 could not read
  ChunkSender chunks_;
  Inbox blocks_;
  std::vector<Group> groups_;
  std::size_t next_ = 0;  // next file to deal
  std::size_t end_ = 0;   // files to deal: all of them, or up to next_ once stopped
  std::list<std::unique_ptr<OutgoingBatch>> outgoing_;
  RankTiming timing_;
  double last_tick_ = 0.0;
};

}  // namespace

RankTiming run_source_rank(const Job& job, const MpiPlan& plan, LayoutChannels& channels, MPI_Comm world,
                           const std::vector<InputFile>& files, const std::vector<bool>& reads_itself,
                           OrderedWriter& writer) {
  Source source(job, plan, channels, world, files, reads_itself, writer);
  RankTiming timing = source.run();
  const RankTiming written = writer.timing();
  timing.write = written.write;
  timing.images = written.images;
  return timing;
}

}  // namespace photoscore::mpi
