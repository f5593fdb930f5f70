// Rank 0 of an MPI run: the image source and the writer. It deals the file
// list to its lanes (the groups, or with leaders the nodes' leaders) in
// batches of consecutive photos (lanes.hpp) and takes back blocks of rows
// that the groups merged and formatted themselves, which the ordered writer
// appends in file order. Its work a photo is a few bytes of a batch and a
// share of a block: no message, no merge, no formatting (the groups do
// those), and no read unless it reads for a rank that cannot (--read rank0,
// or a node that cannot see the input).
#include <malloc.h>

#include <algorithm>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>

#include "comm/chunk_service.hpp"
#include "comm/inbox.hpp"
#include "comm/lane_lines.hpp"
#include "comm/lanes.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "image/clock.hpp"
#include "run/photo_batch.hpp"
#include "run/process_image.hpp"
#include "run/stop_signal.hpp"

namespace photoscore::mpi {

namespace {

class Source {
 public:
  Source(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world,
         const std::vector<InputFile>& files, const std::vector<bool>& reads_itself, OrderedWriter& writer)
      : job_(job),
        world_(world),
        files_(files),
        writer_(writer),
        errors_(job.formats, job.format),
        lanes_(job, plan, 0, reads_itself, [&](std::size_t i) -> GroupChannel& { return channels.lane(i); }),
        chunks_(world, plan.world),
        grants_(world, plan),
        blocks_(world, kTagBlock) {
    // The HDF5 chunks are assembled and compressed by the other ranks
    // (chunk_service.hpp): blocks bring rank 0 their rows' count, not their records.
    tables_ = writer_.assemble_elsewhere();
    timing_ = empty_timing(job.policy.analyzers.size());
  }

  RankTiming run() {
    // Rank 0 receives every block of rows and hands it to the writer, one
    // buffer of tens to hundreds of KB after another. glibc gives buffers
    // that large their own mmap and returns them on free, so each block
    // would fault its pages in afresh (on a virtual machine that page fault
    // cost as much as the writing). Kept in the heap, the pages are reused.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    const double start = seconds_now();
    end_ = files_.size();
    bool ended = false;
    while (!ended || !outgoing_.empty() || !chunks_.complete() || writer_.awaiting_lanes() ||
           !grants_.sent()) {
      // A stop (SIGTERM, SIGINT) ends dealing here; the photos already dealt
      // are answered and written, then the lanes get their end as after the
      // last photo. Ranks that got the signal too keep serving until then.
      if (stop_requested() && end_ > next_) end_ = next_;
      bool progress = deal();
      progress |= collect();
      progress |= lines();
      // A sink that failed ends the run here, on rank 0, which aborts the job.
      writer_.rethrow_failure();
      writer_.tick();
      progress |= chunks();
      if (!ended && next_ == end_ && lanes_.outstanding() == 0) {
        // Every row is written: the lanes get their end, and the chunks'
        // owners where the tables end (the rows kept, then those written).
        StageClock clock(timing_.comm);
        for (Lanes::Lane& lane : lanes_.all()) {
          auto out = std::make_unique<OutgoingBatch>();
          lane.channel->send_batch(*out);
          timing_.bytes_sent += lane.channel->batch_bytes(0);
          outgoing_.push_back(std::move(out));
        }
        chunks_.send(writer_.take_chunk_pieces(), timing_);
        // Every block is in: the last places went out above, and no more follow.
        grants_.send(writer_.take_grants(), timing_);
        grants_.end(timing_);
        writer_.rows_complete();
        // (None at all when no sink has tables: the owners have nothing to wait for.)
        chunks_.end(tables_ ? static_cast<std::uint64_t>(job_.format.row_offset) + writer_.written() : 0,
                    timing_);
        ended = true;
        progress = true;
      }
      progress |= account(timing_, [&] { return finish_sends(); });
      if (!progress) {
        StageClock clock(timing_.wait);
        poll_until(
            [&] {
              int arrived = 0;
              MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, world_, &arrived, MPI_STATUS_IGNORE);
              return arrived != 0 || finish_sends() || stop_requested() || seconds_now() >= writer_due() ||
                     (ended && chunks_.complete() && grants_.sent());
            },
            kDealerNap);
      }
    }
    timing_.wall = seconds_now() - start;
    return timing_;
  }

 private:
  // When the writer's buffered rows are due to be flushed: the wait must
  // not outlast it.
  double writer_due() const { return last_tick_ + 0.05; }

  // Deals batches while a lane has room, to the lane holding the fewest photos.
  bool deal() {
    bool progress = false;
    for (;;) {
      last_tick_ = seconds_now();
      if (next_ >= end_ || !writer_.has_room(next_)) break;
      Lanes::Lane* lane = lanes_.pick();
      if (!lane) break;
      send_batch(*lane, lanes_.batch_size(*lane, static_cast<std::int64_t>(end_ - next_)));
      progress = true;
    }
    return progress;
  }

  void send_batch(Lanes::Lane& lane, std::int64_t size) {
    auto out = std::make_unique<OutgoingBatch>();
    // Encoded photo by photo, straight from the file list: rank 0 copies a
    // photo's names once, into the message.
    std::optional<BatchEncoder> batch;
    const std::int64_t seq = lane.seq;
    std::vector<int> decoders;  // of the photos whose bytes rank 0 sends
    for (std::int64_t k = 0; k < size; ++k) {
      const std::size_t index = next_;
      const InputFile& file = files_[index];
      std::vector<std::uint8_t> bytes;
      std::string identity;
      double read_seconds = 0.0;
      std::int64_t payload = -1;
      if (lane.rank0_reads) {
        std::string error;
        const double t0 = seconds_now();
        const bool readable = read_photo(file.path, bytes, error, job_.limits.max_file_bytes, &identity);
        read_seconds = seconds_now() - t0;
        timing_.read += read_seconds;
        if (!readable) {
          if (batch) break;  // the batch ends before it; its row is rank 0's
          write_unread(index, file, std::move(error), read_seconds, std::move(identity));
          continue;
        }
        payload = static_cast<std::int64_t>(bytes.size());
      }
      // A photo weighs its bytes when rank 0 has them (the decode balancer's unit).
      const int decoder = lanes_.take(lane, payload > 0 ? static_cast<double>(payload) : 1.0);
      if (!batch) {
        // Room for the whole batch at once, as the first photo's names go.
        out->bytes.reserve(static_cast<std::size_t>(size) * (64 + file.filename.size() + file.path.size()));
        batch.emplace(out->bytes, static_cast<std::int64_t>(next_), seq);
      }
      ++next_;
      batch->add(decoder, payload, read_seconds, file.filename, file.path, identity);
      if (payload >= 0) {
        out->payloads.push_back(std::move(bytes));
        decoders.push_back(decoder);
      }
    }
    if (!batch) return;
    StageClock clock(timing_.comm);
    lane.channel->send_batch(*out);
    timing_.bytes_sent += lane.channel->batch_bytes(out->bytes.size());
    for (std::size_t p = 0; p < decoders.size(); ++p) {
      std::vector<std::uint8_t>& bytes = out->payloads[p];
      payload(world_, decoders[p], true, bytes, out->requests);
      timing_.bytes_sent += static_cast<std::int64_t>(bytes.size());
    }
    outgoing_.push_back(std::move(out));
  }

  // A file rank 0 could not read: nobody else needs to see it, and its
  // error row is formatted here.
  void write_unread(std::size_t index, const InputFile& file, std::string error, double read_seconds,
                    std::string identity) {
    ++next_;
    ImageTiming timing;
    timing.ranks = {0};
    timing.read_seconds = read_seconds;
    timing.analyzer_seconds.assign(job_.policy.analyzers.size(), 0.0);
    ImageOutcome outcome = failed_outcome(std::move(error), 0.0);
    outcome.identity = std::move(identity);
    const ScoredRow row = finished_row(file, std::move(outcome), job_.policy);
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

  // Takes every block that has arrived. The time spent receiving is
  // communication (waiting when nothing came); handling a block is merging,
  // except the writer's appends, which the writer books as writing.
  bool collect() {
    const bool moved = lanes_.collect(blocks_, timing_, [&](std::string&& message, std::size_t block_at) {
      writer_.finish_encoded(std::move(message), block_at);
    });
    for (std::string& spent : writer_.take_spent()) blocks_.recycle(std::move(spent));
    return moved;
  }

  // The places of blocks whose lines their lanes write, out to them; their
  // word that the lines are down, in (each a seal the writer writes).
  bool lines() {
    const double start = seconds_now();
    std::vector<JsonlGrant> grants = writer_.take_grants();
    const bool sent = !grants.empty();
    if (sent) grants_.send(std::move(grants), timing_);
    double writing = 0.0;
    const bool back = grants_.receive([&](std::uint64_t owner, std::uint64_t key) {
      const double t0 = seconds_now();
      writer_.landed(owner, key);
      writing += seconds_now() - t0;
    });
    ((sent || back) ? timing_.comm : timing_.wait) += seconds_now() - start - writing;
    return sent || back;
  }

  // Records of rows that reached rank 0 with them out to their chunks'
  // owners, filtered chunks in to be written (which the writer books as
  // writing; the rest is communication).
  bool chunks() {
    const double start = seconds_now();
    double writing = 0.0;
    std::vector<ChunkPiece> pieces = writer_.take_chunk_pieces();
    const bool sent = !pieces.empty();
    if (sent) chunks_.send(std::move(pieces), timing_);
    const bool back = chunks_.receive([&](std::uint64_t key, std::string&& filtered) {
      const double t0 = seconds_now();
      writer_.write_filtered(key, std::move(filtered));
      writing += seconds_now() - t0;
    });
    ((sent || back) ? timing_.comm : timing_.wait) += seconds_now() - start - writing;
    return sent || back;
  }

  const Job& job_;
  MPI_Comm world_;
  const std::vector<InputFile>& files_;
  OrderedWriter& writer_;
  RowBlockBuilder errors_;  // rows of files rank 0 could not read
  Lanes lanes_;
  ChunkSender chunks_;
  LineGrants grants_;
  Inbox blocks_;
  std::size_t next_ = 0;  // next file to deal
  std::size_t end_ = 0;   // files to deal: all of them, or up to next_ once stopped
  std::list<std::unique_ptr<OutgoingBatch>> outgoing_;
  RankTiming timing_;
  double last_tick_ = 0.0;
  bool tables_ = false;  // a sink's record tables are assembled by the other ranks
};

}  // namespace

RankTiming run_source_rank(const Job& job, const MpiPlan& plan, LaneChannels& channels, MPI_Comm world,
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
