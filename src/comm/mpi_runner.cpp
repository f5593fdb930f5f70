// MPI mode. Rank 0 reads each photo once and hands its bytes to a lane: in
// the roles layout a group of analyzer ranks (one non-blocking broadcast into
// the group's communicator), in the farm layout one worker (point-to-point).
// Lane ranks run process_image(), the very code thread mode runs, on their
// analyzers and send back an encoded ImageOutcome; rank 0 assembles the
// partial outcomes of a photo in policy order, then merges and writes rows
// strictly in file order. Nothing here decides a score, so the JSONL bytes
// cannot depend on the rank count or the layout.
#include "comm/mpi_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <list>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "comm/mpi_plan.hpp"
#include "run/outcome_codec.hpp"
#include "run/process_image.hpp"
#include "run/read_file.hpp"

namespace photoscore {

namespace {

constexpr int kTagHeader = 1;  // farm: photo headers, rank 0 -> worker
constexpr int kTagData = 2;    // farm: photo bytes, rank 0 -> worker
constexpr int kTagResult = 3;  // both: encoded outcomes, lane rank -> rank 0

// MPI counts are ints: larger photos travel in several pieces.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;

// What rank 0 says before each photo: the lane's next photo (its index in
// the file list, its byte count, its number within the lane) or the end.
struct Header {
  std::int64_t end = 0;
  std::int64_t index = 0;
  std::int64_t bytes = 0;
  std::int64_t seq = 0;
};
constexpr int kHeaderWords = 4;
static_assert(sizeof(Header) == kHeaderWords * sizeof(std::int64_t));

// Open MPI's blocking calls spin on a core. Ranks here are often more than
// cores (OpenMP threads inside ranks, oversubscribed test machines), and a
// spinning idle rank steals the core an analyzer needs, so idle ranks poll
// and sleep instead. A photo takes milliseconds; sleeps of at most 0.2 ms
// add little latency, and the in-flight window hides it.
template <typename Ready>
void poll_until(Ready ready) {
  int polls = 0;
  auto nap = std::chrono::microseconds(10);
  while (!ready()) {
    if (++polls < 32) continue;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(200));
  }
}

bool test(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  return done != 0;
}

bool test_all(std::vector<MPI_Request>& requests) {
  int done = 0;
  MPI_Testall(static_cast<int>(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE);
  return done != 0;
}

template <typename Post>
void for_each_piece(std::uint8_t* data, std::size_t size, Post post) {
  for (std::size_t at = 0; at < size; at += kMaxPiece)
    post(data + at, static_cast<int>(std::min(kMaxPiece, size - at)));
}

// Adds the seconds since construction to a stage when it goes out of scope.
class StageClock {
 public:
  explicit StageClock(double& stage) : stage_(stage), start_(MPI_Wtime()) {}
  ~StageClock() { stage_ += MPI_Wtime() - start_; }
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

 private:
  double& stage_;
  double start_;
};

// Time inside a call that moved data is communication; time inside one that
// found nothing to do is waiting (where ranks outnumber cores, Open MPI
// yields the core inside such calls, for as long as the scheduler likes).
template <typename Call>
bool account(RankTiming& timing, Call call) {
  const double start = MPI_Wtime();
  const bool moved = call();
  (moved ? timing.comm : timing.wait) += MPI_Wtime() - start;
  return moved;
}

// How a lane's ranks receive photos and rank 0 sends them: one collective
// per message into the group's communicator (roles), or point-to-point on
// the run's communicator (farm).
struct Channel {
  MPI_Comm comm = MPI_COMM_NULL;
  bool broadcast = false;
  int peer = 0;  // farm, on rank 0: the worker

  void header(Header& h, MPI_Request& request) const {
    if (broadcast) {
      MPI_Ibcast(&h, kHeaderWords, MPI_INT64_T, 0, comm, &request);
    } else if (peer == 0) {
      MPI_Irecv(&h, kHeaderWords, MPI_INT64_T, 0, kTagHeader, comm, &request);
    } else {
      MPI_Isend(&h, kHeaderWords, MPI_INT64_T, peer, kTagHeader, comm, &request);
    }
  }
  void bytes(std::vector<std::uint8_t>& data, std::vector<MPI_Request>& requests) const {
    for_each_piece(data.data(), data.size(), [&](std::uint8_t* p, int n) {
      MPI_Request& request = requests.emplace_back();
      if (broadcast) {
        MPI_Ibcast(p, n, MPI_BYTE, 0, comm, &request);
      } else if (peer == 0) {
        MPI_Irecv(p, n, MPI_BYTE, 0, kTagData, comm, &request);
      } else {
        MPI_Isend(p, n, MPI_BYTE, peer, kTagData, comm, &request);
      }
    });
  }
};

// The communicators of one run: a private duplicate of the world, so the
// run's messages never meet anyone else's, and one per roles group.
class Comms {
 public:
  Comms(const MpiPlan& plan, int rank) {
    MPI_Comm_dup(MPI_COMM_WORLD, &world);
    // A failed call must end the job, never leave peers waiting forever.
    MPI_Comm_set_errhandler(world, MPI_ERRORS_ARE_FATAL);
    lanes.assign(plan.lanes.size(), MPI_COMM_NULL);
    if (plan.layout != "roles") return;
    MPI_Group world_group;
    MPI_Comm_group(world, &world_group);
    for (std::size_t l = 0; l < plan.lanes.size(); ++l) {
      const std::vector<int>& ranks = plan.lanes[l].ranks;
      if (rank != 0 && std::find(ranks.begin(), ranks.end(), rank) == ranks.end()) continue;
      // Rank 0 first, so it is the broadcast root 0 in every group.
      std::vector<int> members = {0};
      members.insert(members.end(), ranks.begin(), ranks.end());
      MPI_Group group;
      MPI_Group_incl(world_group, static_cast<int>(members.size()), members.data(), &group);
      MPI_Comm_create_group(world, group, static_cast<int>(l), &lanes[l]);
      MPI_Group_free(&group);
    }
    MPI_Group_free(&world_group);
  }
  ~Comms() {
    for (MPI_Comm& c : lanes) {
      if (c != MPI_COMM_NULL) MPI_Comm_free(&c);
    }
    MPI_Comm_free(&world);
  }
  Comms(const Comms&) = delete;
  Comms& operator=(const Comms&) = delete;

  Channel channel(const MpiPlan& plan, std::size_t lane, int rank) const {
    if (plan.layout == "roles") return {lanes[lane], true, 0};
    return {world, false, rank == 0 ? plan.lanes[lane].ranks.front() : 0};
  }

  MPI_Comm world = MPI_COMM_NULL;
  std::vector<MPI_Comm> lanes;
};

RankTiming empty_timing(std::size_t analyzers) {
  RankTiming t;
  t.analyze.assign(analyzers, 0.0);
  return t;
}

// ---------------------------------------------------------------- lane ranks

// Receives the lane's photos until the end header, scores those this rank
// answers for and sends each outcome to rank 0.
RankTiming run_lane_rank(const Job& job, const MpiPlan& plan, const Comms& comms, int rank) {
  const std::size_t count = job.policy.analyzers.size();
  const PlanRank& me = plan.ranks[static_cast<std::size_t>(rank)];
  const Channel channel = comms.channel(plan, static_cast<std::size_t>(me.lane), rank);
  std::vector<const AnalyzerSpec*> mine;
  for (std::size_t a : me.analyzers) mine.push_back(job.policy.analyzers[a]);
  // One photo at a time here, so its strips use every thread of the rank.
  ImageScorer scorer(mine, job.threads);

  RankTiming timing = empty_timing(count);
  const double start = MPI_Wtime();
  Header next{};
  MPI_Request header_request;
  channel.header(next, header_request);
  std::vector<std::uint8_t> bytes;
  std::vector<MPI_Request> requests;
  for (;;) {
    {
      StageClock clock(timing.wait);
      poll_until([&] { return test(header_request); });
    }
    const Header h = next;
    if (h.end) break;
    {
      StageClock clock(timing.comm);
      bytes.resize(static_cast<std::size_t>(h.bytes));
      requests.clear();
      channel.bytes(bytes, requests);
      poll_until([&] { return test_all(requests); });
      // Posted before scoring, so rank 0's next header lands meanwhile.
      channel.header(next, header_request);
    }
    if (!rank_responds(me, h.seq)) continue;

    const double t0 = MPI_Wtime();
    ImageOutcome outcome = process_image(bytes, scorer, job.limits);
    const double spent = MPI_Wtime() - t0;
    // Analyzer seconds are summed over the rank's threads and leave out the
    // shared gray conversion; rescaled to the wall time after decoding, they
    // make decode + analyze add up to the time the photo took here.
    const double analyze_wall = std::max(0.0, spent - outcome.decode_seconds);
    double cpu = 0.0;
    for (double s : outcome.analyzer_seconds) cpu += s;
    for (double& s : outcome.analyzer_seconds) {
      s = cpu > 0.0 ? analyze_wall * s / cpu
                    : analyze_wall / static_cast<double>(outcome.analyzer_seconds.size());
    }
    timing.decode += outcome.decode_seconds;
    for (std::size_t k = 0; k < outcome.analyzer_seconds.size(); ++k) {
      timing.analyze[me.analyzers[k]] += outcome.analyzer_seconds[k];
    }
    if (outcome.analyzer_seconds.empty()) timing.decode += analyze_wall;
    ++timing.images;

    std::vector<std::uint8_t> message(sizeof h.index);
    std::memcpy(message.data(), &h.index, sizeof h.index);
    const std::vector<std::uint8_t> encoded = encode_outcome(outcome);
    message.insert(message.end(), encoded.begin(), encoded.end());
    StageClock clock(timing.comm);
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagResult, comms.world);
  }
  timing.wall = MPI_Wtime() - start;
  return timing;
}

// ------------------------------------------------------------------- rank 0

// A photo on its way to a lane: the buffers live until every send is done.
struct Outgoing {
  Header header;
  std::vector<std::uint8_t> bytes;
  std::vector<MPI_Request> requests;
};

// A photo whose outcome is being assembled from its lane's answers.
struct InFlight {
  std::size_t lane = 0;
  int pending = 0;
  double read_start = 0.0;
  double read_seconds = 0.0;
  std::vector<int> ranks;
  ImageOutcome outcome;
  std::size_t error_from = 0;  // first analyzer of the rank whose error is kept
};

struct ReadyRow {
  ScoredRow row;
  ImageTiming timing;
};

class Source {
 public:
  Source(Job& job, const MpiPlan& plan, const Comms& comms, const std::vector<InputFile>& files,
         RowSink& sink)
      : job_(job),
        plan_(plan),
        comms_(comms),
        files_(files),
        sink_(sink),
        count_(job.policy.analyzers.size()) {
    for (std::size_t l = 0; l < plan.lanes.size(); ++l) lanes_.push_back({comms.channel(plan, l, 0), 0, 0});
    // Rows finished behind one slow photo wait here; this bounds them.
    window_ = 64 * lanes_.size();
    timing_ = empty_timing(count_);
  }

  RankTiming run() {
    const double start = MPI_Wtime();
    const std::size_t n = files_.size();
    bool ended = false;
    while (written_ < n || !ended) {
      bool progress = dispatch();
      if (next_ == n && !ended) {
        StageClock clock(timing_.comm);
        for (Lane& lane : lanes_) {
          auto out = std::make_unique<Outgoing>();
          out->header.end = 1;
          lane.channel.header(out->header, out->requests.emplace_back());
          outgoing_.push_back(std::move(out));
        }
        ended = true;
      }
      progress |= collect();
      progress |= drain();
      if (!progress && written_ < n) {
        StageClock clock(timing_.wait);
        poll_until([&] {
          int arrived = 0;
          MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, comms_.world, &arrived, MPI_STATUS_IGNORE);
          return arrived != 0;
        });
      }
    }
    poll_until([&] {
      account(timing_, [&] { return finish_sends(); });
      return outgoing_.empty();
    });
    job_.info.images = static_cast<std::int64_t>(written_);
    timing_.wall = MPI_Wtime() - start;
    return timing_;
  }

 private:
  struct Lane {
    Channel channel;
    int in_flight = 0;
    std::int64_t seq = 0;
  };

  // Reads and sends photos while a lane has room, to the least busy lane.
  bool dispatch() {
    bool progress = false;
    while (next_ < files_.size() && next_ < written_ + window_) {
      std::size_t best = lanes_.size();
      for (std::size_t l = 0; l < lanes_.size(); ++l) {
        if (lanes_[l].in_flight >= job_.options.in_flight) continue;
        if (best == lanes_.size() || lanes_[l].in_flight < lanes_[best].in_flight) best = l;
      }
      if (best == lanes_.size()) break;
      const std::size_t index = next_++;
      progress = true;
      auto out = std::make_unique<Outgoing>();
      InFlight photo;
      photo.read_start = MPI_Wtime();
      std::string error;
      const bool readable = read_file(files_[index].path, out->bytes, error, job_.limits.max_file_bytes);
      photo.read_seconds = MPI_Wtime() - photo.read_start;
      timing_.read += photo.read_seconds;
      if (!readable) {
        // Nobody else needs to see a file rank 0 could not read.
        photo.ranks = {0};
        photo.outcome.error = error;
        finish_photo(index, std::move(photo));
        continue;
      }
      StageClock clock(timing_.comm);
      Lane& lane = lanes_[best];
      out->header = {0, static_cast<std::int64_t>(index), static_cast<std::int64_t>(out->bytes.size()),
                     lane.seq};
      photo.lane = best;
      photo.ranks = lane_responders(plan_.lanes[best], lane.seq);
      photo.pending = static_cast<int>(photo.ranks.size());
      photo.outcome.ok = true;
      photo.outcome.results.resize(count_);
      photo.outcome.analyzer_seconds.assign(count_, 0.0);
      photo.error_from = count_;
      ++lane.seq;
      ++lane.in_flight;
      lane.channel.header(out->header, out->requests.emplace_back());
      lane.channel.bytes(out->bytes, out->requests);
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
        MPI_Improbe(MPI_ANY_SOURCE, kTagResult, comms_.world, &found, &handle, &status);
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
    if (message.size() >= sizeof index) std::memcpy(&index, message.data(), sizeof index);
    const auto it = in_flight_.find(static_cast<std::size_t>(index));
    if (it == in_flight_.end()) {
      throw std::runtime_error("rank " + std::to_string(source) + " answered for photo " +
                               std::to_string(index) + ", which is not in flight");
    }
    InFlight& photo = it->second;
    const ImageOutcome part = decode_outcome(std::span(message).subspan(sizeof index));
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
    } else if (analyzers.front() < photo.error_from) {
      // Every rank decodes the same bytes with the same code, so the errors
      // agree; keeping the first analyzer's makes the choice explicit.
      photo.outcome.ok = false;
      photo.outcome.error = part.error;
      photo.error_from = analyzers.front();
    }
    for (std::size_t k = 0; k < analyzers.size() && k < part.analyzer_seconds.size(); ++k) {
      photo.outcome.analyzer_seconds[analyzers[k]] = part.analyzer_seconds[k];
    }
    if (--photo.pending > 0) return;
    --lanes_[photo.lane].in_flight;
    InFlight done = std::move(photo);
    in_flight_.erase(it);
    if (!done.outcome.ok) {
      // As thread mode makes it: an error row carries no figures.
      done.outcome.results.clear();
      done.outcome.width = 0;
      done.outcome.height = 0;
    }
    finish_photo(static_cast<std::size_t>(index), std::move(done));
  }

  void finish_photo(std::size_t index, InFlight&& photo) {
    ReadyRow ready;
    ready.timing.ranks = std::move(photo.ranks);
    ready.timing.read_seconds = photo.read_seconds;
    ready.timing.decode_seconds = photo.outcome.decode_seconds;
    ready.timing.analyzer_seconds = photo.outcome.analyzer_seconds;
    ready.timing.analyzer_seconds.resize(count_, 0.0);
    // Kept in read_start's place until written, when latency is known.
    ready.timing.latency_seconds = photo.read_start;
    ready.row = make_row(files_[index], std::move(photo.outcome));
    ready_.emplace(index, std::move(ready));
  }

  // Merges and writes every row that is next in file order.
  bool drain() {
    bool progress = false;
    for (auto it = ready_.find(written_); it != ready_.end(); it = ready_.find(written_)) {
      ReadyRow row = std::move(it->second);
      ready_.erase(it);
      {
        StageClock clock(timing_.merge);
        merge_scores(job_.policy, row.row);
      }
      StageClock clock(timing_.write);
      row.timing.latency_seconds = MPI_Wtime() - row.timing.latency_seconds;
      sink_.write(row.row, row.timing);
      job_.info.errors += row.row.ok ? 0 : 1;
      ++timing_.images;
      ++written_;
      progress = true;
    }
    return progress;
  }

  Job& job_;
  const MpiPlan& plan_;
  const Comms& comms_;
  const std::vector<InputFile>& files_;
  RowSink& sink_;
  const std::size_t count_;
  std::vector<Lane> lanes_;
  std::size_t window_ = 0;
  std::size_t next_ = 0;     // next file to read
  std::size_t written_ = 0;  // rows written, in file order
  std::list<std::unique_ptr<Outgoing>> outgoing_;
  std::map<std::size_t, InFlight> in_flight_;
  std::map<std::size_t, ReadyRow> ready_;
  RankTiming timing_;
};

// -------------------------------------------------------------- gathering

constexpr std::size_t kHostChars = 256;

std::vector<std::string> gather_hosts(MPI_Comm comm, int rank, int world) {
  std::array<char, kHostChars> mine{};
  const std::string host = this_host();
  std::memcpy(mine.data(), host.data(), std::min(host.size(), kHostChars - 1));
  std::vector<char> all(rank == 0 ? kHostChars * static_cast<std::size_t>(world) : 0);
  MPI_Gather(mine.data(), static_cast<int>(kHostChars), MPI_CHAR, all.data(), static_cast<int>(kHostChars),
             MPI_CHAR, 0, comm);
  std::vector<std::string> hosts;
  for (int r = 0; rank == 0 && r < world; ++r)
    hosts.emplace_back(all.data() + static_cast<std::size_t>(r) * kHostChars);
  return hosts;
}

// Every figure of a RankTiming but its strings, which rank 0 knows already.
constexpr std::size_t kTimingFixed = 8;

std::vector<double> pack_timing(const RankTiming& t) {
  std::vector<double> v = {t.wall,   t.read,  t.comm,  t.wait,
                           t.decode, t.merge, t.write, static_cast<double>(t.images)};
  v.insert(v.end(), t.analyze.begin(), t.analyze.end());
  return v;
}

RankTiming unpack_timing(const double* v, std::size_t analyzers) {
  RankTiming t;
  t.wall = v[0];
  t.read = v[1];
  t.comm = v[2];
  t.wait = v[3];
  t.decode = v[4];
  t.merge = v[5];
  t.write = v[6];
  t.images = static_cast<std::int64_t>(v[7]);
  t.analyze.assign(v + kTimingFixed, v + kTimingFixed + analyzers);
  return t;
}

std::vector<RankTiming> gather_timings(MPI_Comm comm, int rank, int world, const RankTiming& mine,
                                       std::size_t analyzers) {
  const std::vector<double> packed = pack_timing(mine);
  const std::size_t width = kTimingFixed + analyzers;
  std::vector<double> all(rank == 0 ? width * static_cast<std::size_t>(world) : 0);
  MPI_Gather(packed.data(), static_cast<int>(width), MPI_DOUBLE, all.data(), static_cast<int>(width),
             MPI_DOUBLE, 0, comm);
  std::vector<RankTiming> timings;
  for (int r = 0; rank == 0 && r < world; ++r) {
    timings.push_back(unpack_timing(all.data() + static_cast<std::size_t>(r) * width, analyzers));
  }
  return timings;
}

// Where each rank's time went, after the dashboard: in the roles layout
// every analyzer rank decodes every photo, and this shows what that costs.
void print_rank_timings(const RunInfo& info, const std::vector<const AnalyzerSpec*>& analyzers) {
  std::printf("Rank timings (s)  %-40s %7s %7s %7s %7s %7s", "role", "wall", "read", "comm", "wait",
              "decode");
  for (const AnalyzerSpec* a : analyzers) std::printf(" %7.7s", a->name.c_str());
  std::printf(" %7s %7s %7s %6s\n", "merge", "write", "other", "images");
  for (const RankTiming& t : info.rank_timings) {
    double other = t.wall - t.read - t.comm - t.wait - t.decode - t.merge - t.write;
    std::printf("  rank %-3d %-48s %7.3f %7.3f %7.3f %7.3f %7.3f", t.rank, t.role.c_str(), t.wall, t.read,
                t.comm, t.wait, t.decode);
    for (double s : t.analyze) {
      std::printf(" %7.3f", s);
      other -= s;
    }
    std::printf(" %7.3f %7.3f %7.3f %6lld\n", t.merge, t.write, other, static_cast<long long>(t.images));
  }
  std::fflush(stdout);
}

}  // namespace

void run_mpi(Job& job, const std::vector<InputFile>& files, RowSink* sink) {
  int rank = 0;
  int world = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (world < 2) throw std::runtime_error("MPI mode needs at least 2 ranks; MPI sees a world of 1");
  if (rank == 0 && !sink) throw std::logic_error("run_mpi: rank 0 needs the sinks");
  const MpiPlan plan = make_mpi_plan(job.info.layout, world, job.policy.analyzers.size());
  const std::size_t count = job.policy.analyzers.size();
  RunInfo& info = job.info;

  const Comms comms(plan, rank);
  const std::vector<std::string> hosts = gather_hosts(comms.world, rank, world);
  if (rank == 0) {
    info.hosts.clear();
    for (const std::string& h : hosts) {
      if (std::find(info.hosts.begin(), info.hosts.end(), h) == info.hosts.end()) info.hosts.push_back(h);
    }
    info.ranks = world;
    info.threads_per_rank = job.threads;
    info.plan = plan_summary(plan, job.threads);
    // On stdout even with --quiet: a job that ran on the wrong ranks must be
    // visible in its log.
    for (const std::string& line : plan_lines(plan, job.policy.analyzers, hosts, job.threads)) {
      std::printf("%s\n", line.c_str());
    }
    std::fflush(stdout);
  }

  RankTiming mine;
  double t0 = 0.0;
  if (rank == 0) {
    info.images = 0;
    info.errors = 0;
    info.start_time = iso8601_now();
    t0 = MPI_Wtime();
    sink->open(info);
    mine = Source(job, plan, comms, files, *sink).run();
  } else {
    mine = run_lane_rank(job, plan, comms, rank);
  }
  std::vector<RankTiming> timings = gather_timings(comms.world, rank, world, mine, count);
  if (rank != 0) return;
  for (int r = 0; r < world; ++r) {
    RankTiming& t = timings[static_cast<std::size_t>(r)];
    t.rank = r;
    t.role = rank_role_name(plan, r, job.policy.analyzers);
    t.host = hosts[static_cast<std::size_t>(r)];
  }
  info.rank_timings = std::move(timings);
  info.wall_seconds = MPI_Wtime() - t0;
  info.end_time = iso8601_now();
  sink->close(info);
  if (!job.options.quiet) print_rank_timings(info, job.policy.analyzers);
}

}  // namespace photoscore
