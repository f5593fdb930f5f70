// Rank 0 of an MPI run: the image source and the merger. It reads each photo
// once and sends its bytes (or, with --read workers, only its path) to the
// one rank that decodes it (roles: the group member DecodeBalancer picks,
// named in a header broadcast into the group; farm: the worker), assembles the partial
// outcomes of a photo in policy order, and gives finished photos to the
// ordered writer, which merges and writes them in file order exactly as in
// thread mode.
#include <cstring>
#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "run/clock.hpp"
#include "run/outcome_codec.hpp"
#include "run/process_image.hpp"
#include "run/stop_signal.hpp"

namespace photoscore::mpi {

namespace {

// A photo on its way to a group: the buffers live until every send is done.
struct Outgoing {
  Header header;
  std::vector<std::uint8_t> bytes;
  std::vector<MPI_Request> requests;
};

// A photo whose outcome is being assembled from its group's answers.
struct InFlight {
  std::size_t group = 0;
  int pending = 0;
  double started_at = 0.0;
  double read_seconds = 0.0;
  std::vector<int> ranks;
  double weight = 0.0;   // the photo's size for the decode balancer: file bytes
  std::int64_t seq = 0;  // its number within its group
  ImageOutcome outcome;
  std::size_t error_from = 0;  // first analyzer of the rank whose error is kept
};

class Source {
 public:
  Source(const Job& job, const MpiPlan& plan, const LayoutChannels& channels, MPI_Comm world,
         const std::vector<InputFile>& files, OrderedWriter& writer)
      : job_(job),
        plan_(plan),
        world_(world),
        files_(files),
        writer_(writer),
        count_(job.policy.analyzers.size()) {
    for (std::size_t g = 0; g < plan.groups.size(); ++g) {
      groups_.push_back({&channels.group(g), 0, 0, {}});
      if (plan.layout == Layout::Roles) groups_.back().balancer.emplace(plan.groups[g]);
    }
    timing_ = empty_timing(count_);
  }

  RankTiming run() {
    const double start = MPI_Wtime();
    end_ = files_.size();
    bool ended = false;
    while (!all_written() || !ended) {
      // A stop (SIGTERM, SIGINT) ends dispatching here; the photos already
      // sent are answered and written, then the groups get their end
      // headers as after the last photo. Group ranks that got the signal
      // too keep serving until then.
      if (stop_requested() && end_ > next_) end_ = next_;
      bool progress = dispatch();
      if (next_ == end_ && !ended) {
        StageClock clock(timing_.comm);
        for (Group& group : groups_) {
          auto out = std::make_unique<Outgoing>();
          out->header.end = 1;
          group.channel->header(out->header, out->requests.emplace_back());
          timing_.bytes_sent += group.channel->header_bytes();
          outgoing_.push_back(std::move(out));
        }
        ended = true;
      }
      progress |= collect();
      // A sink that failed ends the run here, on rank 0, which aborts the job.
      writer_.rethrow_failure();
      if (!progress && !all_written()) {
        StageClock clock(timing_.wait);
        poll_until([&] {
          int arrived = 0;
          MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, world_, &arrived, MPI_STATUS_IGNORE);
          return arrived != 0;
        });
      }
    }
    poll_until([&] {
      account(timing_, [&] { return finish_sends(); });
      return outgoing_.empty();
    });
    timing_.wall = MPI_Wtime() - start;
    return timing_;
  }

 private:
  struct Group {
    const GroupChannel* channel;
    int in_flight = 0;
    std::int64_t seq = 0;
    std::optional<DecodeBalancer> balancer;  // roles: who decodes each photo
  };

  // Every photo dispatched is written, or the rows stopped short of them (a
  // photo abandoned as the run stopped, issue 22) and every answer is in.
  bool all_written() const {
    return writer_.written() >= end_ || (writer_.stopped_short() && in_flight_.empty());
  }

  // Photos a group may have in flight: --in-flight per rank that decodes,
  // and in the roles layout two more per member: each member decodes some
  // photos and, to keep busy while it receives another member's, must have
  // its own next ones at hand.
  int window(std::size_t g) const {
    if (plan_.layout != Layout::Roles) return job_.in_flight;
    return (job_.in_flight + 2) * static_cast<int>(plan_.groups[g].ranks.size());
  }

  // Reads and sends photos while a group has room, to the least busy group.
  bool dispatch() {
    bool progress = false;
    while (next_ < end_ && writer_.has_room(next_)) {
      std::size_t best = groups_.size();
      for (std::size_t g = 0; g < groups_.size(); ++g) {
        if (groups_[g].in_flight >= window(g)) continue;
        if (best == groups_.size() || groups_[g].in_flight < groups_[best].in_flight) best = g;
      }
      if (best == groups_.size()) break;
      const std::size_t index = next_++;
      progress = true;
      auto out = std::make_unique<Outgoing>();
      InFlight photo;
      photo.started_at = seconds_now();
      const std::string& path = files_[index].path;
      const double t_read = MPI_Wtime();
      std::string error;
      bool readable = true;
      if (job_.read == ReadMode::Workers) {
        // The decoding rank reads the file. Only the roles balancer weighs
        // photos (by size, one stat); farm keeps rank 0 off the file system.
        out->bytes.assign(path.begin(), path.end());
        photo.weight = 1.0;
        if (plan_.layout == Layout::Roles) {
          std::error_code ec;
          const auto size = std::filesystem::file_size(path, ec);
          if (!ec) photo.weight = static_cast<double>(size);
        }
      } else {
        readable = read_photo(path, out->bytes, error, job_.limits.max_file_bytes);
        photo.weight = static_cast<double>(out->bytes.size());
        photo.read_seconds = MPI_Wtime() - t_read;
        timing_.read += photo.read_seconds;
      }
      if (!readable) {
        // Nobody else needs to see a file rank 0 could not read.
        photo.ranks = {0};
        photo.outcome.error = error;
        finish_photo(index, std::move(photo));
        continue;
      }
      StageClock clock(timing_.comm);
      Group& group = groups_[best];
      const int decoder = group.balancer ? group.balancer->assign(group.seq, std::max(1.0, photo.weight))
                                         : plan_.groups[best].ranks.front();
      out->header = {0, static_cast<std::int64_t>(index), static_cast<std::int64_t>(out->bytes.size()),
                     group.seq, decoder};
      photo.group = best;
      photo.seq = group.seq;
      photo.ranks = group_responders(plan_.groups[best], group.seq);
      photo.pending = static_cast<int>(photo.ranks.size());
      photo.outcome.ok = true;
      photo.outcome.results.resize(count_);
      photo.outcome.analyzer_seconds.assign(count_, 0.0);
      photo.error_from = count_;
      ++group.seq;
      ++group.in_flight;
      group.channel->header(out->header, out->requests.emplace_back());
      payload(world_, decoder, true, out->bytes, out->requests);
      timing_.bytes_sent += group.channel->header_bytes() + static_cast<std::int64_t>(out->bytes.size());
      outgoing_.push_back(std::move(out));
      in_flight_.emplace(index, std::move(photo));
    }
    account(timing_, [&] { return finish_sends(); });
    return progress;
  }

  // Frees the buffers of every photo whose sends are done; true if any were.
  bool finish_sends() {
    const std::size_t before = outgoing_.size();
    for (auto it = outgoing_.begin(); it != outgoing_.end();) {
      it = test_all((*it)->requests) ? outgoing_.erase(it) : std::next(it);
    }
    return outgoing_.size() != before;
  }

  // Takes every answer that has arrived.
  bool collect() {
    bool progress = false;
    for (;;) {
      std::vector<std::uint8_t> message;
      MPI_Status status;
      const bool arrived = account(timing_, [&] {
        int found = 0;
        MPI_Message handle;
        MPI_Improbe(MPI_ANY_SOURCE, kTagResult, world_, &found, &handle, &status);
        if (!found) return false;
        int size = 0;
        MPI_Get_count(&status, MPI_BYTE, &size);
        message.resize(static_cast<std::size_t>(size));
        MPI_Mrecv(message.data(), size, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
        return true;
      });
      if (!arrived) break;
      progress = true;
      StageClock clock(timing_.merge);
      add_answer(status.MPI_SOURCE, message);
    }
    return progress;
  }

  void add_answer(int source, const std::vector<std::uint8_t>& message) {
    std::int64_t index = -1;
    double busy = 0.0;
    if (message.size() >= kAnswerHead) {
      std::memcpy(&index, message.data(), sizeof index);
      std::memcpy(&busy, message.data() + sizeof index, sizeof busy);
    }
    const auto it = in_flight_.find(static_cast<std::size_t>(index));
    if (it == in_flight_.end()) {
      throw std::runtime_error("rank " + std::to_string(source) + " answered for photo " +
                               std::to_string(index) + ", which is not in flight");
    }
    InFlight& photo = it->second;
    const ImageOutcome part = decode_outcome(std::span(message).subspan(kAnswerHead));
    const std::vector<std::size_t>& analyzers = plan_.ranks[static_cast<std::size_t>(source)].analyzers;
    photo.outcome.decode_seconds += part.decode_seconds;
    if (part.ok) {
      if (part.results.size() != analyzers.size()) {
        throw std::runtime_error("rank " + std::to_string(source) + " sent " +
                                 std::to_string(part.results.size()) + " results for " +
                                 std::to_string(analyzers.size()) + " analyzers");
      }
      for (std::size_t k = 0; k < analyzers.size(); ++k)
        photo.outcome.results[analyzers[k]] = part.results[k];
      photo.outcome.width = part.width;
      photo.outcome.height = part.height;
      photo.outcome.source = part.source;
    } else if (analyzers.front() < photo.error_from) {
      // Every rank reports the error of the one decode (roles) or its own
      // (farm), so the errors agree; keeping the first analyzer's makes
      // the choice explicit.
      photo.outcome.ok = false;
      photo.outcome.error = part.error;
      photo.error_from = analyzers.front();
    }
    double analyze = 0.0;
    for (std::size_t k = 0; k < analyzers.size() && k < part.analyzer_seconds.size(); ++k) {
      photo.outcome.analyzer_seconds[analyzers[k]] = part.analyzer_seconds[k];
      analyze += part.analyzer_seconds[k];
    }
    std::optional<DecodeBalancer>& balancer = groups_[photo.group].balancer;
    if (balancer)
      balancer->learn(source, photo.seq, std::max(1.0, photo.weight), part.decode_seconds, analyze, busy);
    if (--photo.pending > 0) return;
    --groups_[photo.group].in_flight;
    InFlight done = std::move(photo);
    in_flight_.erase(it);
    // Writing happens inside collect()'s merge clock; counted apart here so
    // that it lands in its own stages.
    writer_seconds_ += finish_photo(static_cast<std::size_t>(index), std::move(done));
  }

  // Returns the seconds the writer spent merging and writing rows.
  double finish_photo(std::size_t index, InFlight&& photo) {
    FinishedPhoto finished;
    finished.started_at = photo.started_at;
    finished.timing.ranks = std::move(photo.ranks);
    finished.timing.read_seconds = photo.read_seconds;
    finished.timing.decode_seconds = photo.outcome.decode_seconds;
    finished.timing.analyzer_seconds = photo.outcome.analyzer_seconds;
    finished.timing.analyzer_seconds.resize(count_, 0.0);
    finished.row = make_row(files_[index], std::move(photo.outcome));
    const RankTiming before = writer_.timing();
    writer_.finish(index, std::move(finished));
    const RankTiming after = writer_.timing();
    return (after.merge - before.merge) + (after.write - before.write);
  }

  const Job& job_;
  const MpiPlan& plan_;
  MPI_Comm world_;
  const std::vector<InputFile>& files_;
  OrderedWriter& writer_;
  const std::size_t count_;
  std::vector<Group> groups_;
  std::size_t next_ = 0;  // next file to read
  std::size_t end_ = 0;   // files to dispatch: all of them, or up to next_ once stopped
  std::list<std::unique_ptr<Outgoing>> outgoing_;
  std::map<std::size_t, InFlight> in_flight_;
  RankTiming timing_;
  double writer_seconds_ = 0.0;

 public:
  double writer_seconds() const { return writer_seconds_; }
};

}  // namespace

RankTiming run_source_rank(const Job& job, const MpiPlan& plan, const LayoutChannels& channels,
                           MPI_Comm world, const std::vector<InputFile>& files, OrderedWriter& writer) {
  Source source(job, plan, channels, world, files, writer);
  RankTiming timing = source.run();
  const RankTiming written = writer.timing();
  timing.merge = std::max(0.0, timing.merge - source.writer_seconds()) + written.merge;
  timing.write = written.write;
  timing.images = written.images;
  return timing;
}

}  // namespace photoscore::mpi
