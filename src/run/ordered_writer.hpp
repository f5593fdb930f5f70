#pragma once
// The ordered merge-and-write stage every mode ends in. Photos finish in any
// order (threads race, MPI groups answer when they answer); rows leave here
// strictly in file order, each merged with the same policy and written to the
// same sinks. This is the one place where the byte-identical guarantee
// between thread mode, both MPI layouts and every rank or thread count lives.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>

#include "merge/merge_scores.hpp"
#include "output/row_sink.hpp"
#include "record/run_info.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

// A finished photo: its unmerged row, its timings, and when its work began
// (on this process's clock), so the latency to its row can be measured.
struct FinishedPhoto {
  ScoredRow row;
  ImageTiming timing;
  double started_at = 0.0;
};

class OrderedWriter {
 public:
  // `window`: how far past the oldest unwritten photo work may run ahead;
  // it bounds the rows held back behind one slow photo.
  OrderedWriter(const MergePolicy& policy, RowSink& sink, std::size_t window);

  // Whether photo `index` may be started now (never blocks).
  bool has_room(std::size_t index) const;
  // Blocks until photo `index` may be started; false once the writer failed
  // (a sink threw), when the caller must stop.
  bool wait_for_room(std::size_t index);

  // Hands over photo `index`. Safe from any thread: the first caller to find
  // the next row in file order writes every row that is ready, the others
  // return at once and go back to work. A sink that throws ends the writer:
  // failed() turns true and rethrow_failure() rethrows on the caller's thread.
  void finish(std::size_t index, FinishedPhoto&& photo);

  // Ends the writer from outside (a worker thread failed): waiters wake up.
  void fail(std::exception_ptr error);
  bool failed() const;
  void rethrow_failure() const;

  std::size_t written() const;
  // Whether the rows stop short of the photos finished: one was abandoned
  // as the run stopped (a decode that could not end in time, issue 22), and
  // neither it nor any after it is written.
  bool stopped_short() const;
  std::int64_t errors() const;
  // Merge and write seconds and rows written, summed over whoever wrote.
  RankTiming timing() const;

 private:
  const MergePolicy& policy_;
  RowSink& sink_;
  const std::size_t window_;
  mutable std::mutex mutex_;
  std::condition_variable room_;
  std::map<std::size_t, FinishedPhoto> ready_;
  std::size_t written_ = 0;
  std::int64_t errors_ = 0;
  bool draining_ = false;
  bool cut_ = false;  // a photo was abandoned as the run stopped: nothing more is written
  std::exception_ptr failure_;
  RankTiming timing_;
};

}  // namespace photoscore
