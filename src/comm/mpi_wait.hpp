#pragma once
// Waiting and timing helpers of the MPI runner (internal to src/comm).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "image/clock.hpp"
#include "record/run_info.hpp"

namespace photoscore::mpi {

// Open MPI's blocking calls spin on a core. Ranks here are often more than
// cores (OpenMP threads inside ranks, oversubscribed test machines), and a
// spinning idle rank steals the core an analyzer needs, so idle ranks poll
// and sleep instead. A photo takes milliseconds; sleeps of at most 0.2 ms
// add little latency, and the in-flight window hides it.
inline constexpr std::chrono::microseconds kLongestNap{200};
// A dealer (rank 0, a node's leader) waits nearly all the time, and every
// wake costs it a few microseconds of CPU, taken from the scoring ranks it
// shares a node's cores with: 0.2 ms naps cost it 5-8 % of a core. What it
// is woken for (a lane's request, sent while that lane still has photos in
// hand; a block, due within its second) never needs an answer within a
// millisecond, so it naps up to 1 ms.
inline constexpr std::chrono::microseconds kDealerNap{1000};

// CPU seconds this thread has spent inside poll_until (its polls and naps):
// RankTiming::busy_cpu leaves them out.
inline double& waiting_cpu_seconds() {
  thread_local double waiting = 0.0;
  return waiting;
}

template <typename Ready>
void poll_until(Ready ready, std::chrono::microseconds longest = kLongestNap) {
  const double cpu_at = thread_cpu_seconds();
  int polls = 0;
  auto nap = std::chrono::microseconds(10);
  while (!ready()) {
    if (++polls < 32) continue;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, longest);
  }
  waiting_cpu_seconds() += thread_cpu_seconds() - cpu_at;
}

// The next message of `tag` from `source` (MPI_ANY_SOURCE: anyone) if one
// has arrived, received whole into `bytes`; its sender in `from`. Never blocks.
inline bool receive_arrived(MPI_Comm comm, int source, int tag, std::string& bytes, int& from) {
  int found = 0;
  MPI_Message handle;
  MPI_Status status;
  MPI_Improbe(source, tag, comm, &found, &handle, &status);
  if (!found) return false;
  int size = 0;
  MPI_Get_count(&status, MPI_BYTE, &size);
  bytes.resize(static_cast<std::size_t>(size));
  MPI_Mrecv(bytes.data(), size, MPI_BYTE, &handle, MPI_STATUS_IGNORE);
  from = status.MPI_SOURCE;
  return true;
}

inline bool test(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  return done != 0;
}

inline bool test_all(std::vector<MPI_Request>& requests) {
  int done = 0;
  MPI_Testall(static_cast<int>(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE);
  return done != 0;
}

// Seconds this thread's stage clocks have booked so far. A clock books only
// what the clocks that ran inside it did not (a pump inside a wait that
// merged rows or compressed a chunk books those as merge or write, not as
// waiting too): every second of a rank goes to one stage at most, so its
// stages never add up to more than its wall time, and `other`, what no
// stage claimed, is never negative.
inline double& booked_seconds() {
  thread_local double booked = 0.0;
  return booked;
}

// Books `spent` seconds, begun when booked_seconds() was `mark`, to `stage`,
// less what clocks inside booked meanwhile.
inline void book_stage(double& stage, double spent, double mark) {
  stage += std::max(0.0, spent - (booked_seconds() - mark));
  booked_seconds() = mark + spent;
}

// Adds the seconds since construction to a stage when it goes out of scope
// (those of no clock inside it).
class StageClock {
 public:
  explicit StageClock(double& stage) : stage_(stage), start_(seconds_now()), mark_(booked_seconds()) {}
  ~StageClock() { book_stage(stage_, seconds_now() - start_, mark_); }
  StageClock(const StageClock&) = delete;
  StageClock& operator=(const StageClock&) = delete;

 private:
  double& stage_;
  double start_;
  double mark_;
};

// RankTiming::busy_cpu of what the thread runs from construction to seconds():
// its CPU seconds, less those in poll_until; and RankTiming::preempted, the
// times the OS took its core meanwhile (in a wait or not: either way its
// next work finds its data colder).
class BusyCpuClock {
 public:
  BusyCpuClock()
      : cpu_at_(thread_cpu_seconds()),
        waiting_at_(waiting_cpu_seconds()),
        preempted_at_(thread_preemptions()) {}
  double seconds() const {
    return std::max(0.0, (thread_cpu_seconds() - cpu_at_) - (waiting_cpu_seconds() - waiting_at_));
  }
  std::int64_t preemptions() const { return thread_preemptions() - preempted_at_; }

 private:
  double cpu_at_;
  double waiting_at_;
  std::int64_t preempted_at_;
};

// Time inside a call that moved data is communication; time inside one that
// found nothing to do is waiting (where ranks outnumber cores, Open MPI
// yields the core inside such calls, for as long as the scheduler likes).
template <typename Call>
bool account(RankTiming& timing, Call call) {
  const double start = seconds_now();
  const double mark = booked_seconds();
  const bool moved = call();
  book_stage(moved ? timing.comm : timing.wait, seconds_now() - start, mark);
  return moved;
}

inline RankTiming empty_timing(std::size_t analyzers) {
  RankTiming t;
  t.analyze.assign(analyzers, 0.0);
  return t;
}

}  // namespace photoscore::mpi
