#pragma once
// Waiting and timing helpers of the MPI runner (internal to src/comm).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "record/run_info.hpp"

namespace photoscore::mpi {

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

inline RankTiming empty_timing(std::size_t analyzers) {
  RankTiming t;
  t.analyze.assign(analyzers, 0.0);
  return t;
}

}  // namespace photoscore::mpi
