#include "run/ordered_writer.hpp"

#include "image/decoder_helpers.hpp"
#include "run/clock.hpp"

namespace photoscore {

OrderedWriter::OrderedWriter(const MergePolicy& policy, RowSink& sink, std::size_t window)
    : policy_(policy), sink_(sink), window_(window) {
  timing_.analyze.assign(policy.analyzers.size(), 0.0);
}

bool OrderedWriter::has_room(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < written_ + window_;
}

bool OrderedWriter::wait_for_room(std::size_t index) {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return index < written_ + window_ || failure_ || cut_; });
  return !failure_ && !cut_;
}

void OrderedWriter::finish(std::size_t index, FinishedPhoto&& photo) {
  std::unique_lock lock(mutex_);
  if (failure_ || cut_) return;
  ready_.emplace(index, std::move(photo));
  if (draining_) return;
  // Only one thread writes at a time, so rows leave in order; it lets go of
  // the lock while a row is merged and written, so the others keep adding.
  draining_ = true;
  try {
    for (auto it = ready_.find(written_); it != ready_.end(); it = ready_.find(written_)) {
      // A decode abandoned as the run stopped (issue 22) says nothing about
      // its photo: the written rows end before it, as if it was never taken.
      if (!it->second.row.ok && it->second.row.error == kDecodeStopped) {
        cut_ = true;
        ready_.clear();
        room_.notify_all();
        break;
      }
      FinishedPhoto next = std::move(it->second);
      ready_.erase(it);
      lock.unlock();
      const double t_merge = seconds_now();
      merge_scores(policy_, next.row);
      const double t_write = seconds_now();
      next.timing.latency_seconds = t_write - next.started_at;
      sink_.write(next.row, next.timing);
      const double t_done = seconds_now();
      lock.lock();
      timing_.merge += t_write - t_merge;
      timing_.write += t_done - t_write;
      ++timing_.images;
      errors_ += next.row.ok ? 0 : 1;
      ++written_;
      room_.notify_all();
    }
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    failure_ = std::current_exception();
    room_.notify_all();
  }
  draining_ = false;
}

void OrderedWriter::fail(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  if (!failure_) failure_ = error;
  room_.notify_all();
}

bool OrderedWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failure_ != nullptr;
}

void OrderedWriter::rethrow_failure() const {
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

std::size_t OrderedWriter::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

bool OrderedWriter::stopped_short() const {
  std::lock_guard lock(mutex_);
  return cut_;
}

std::int64_t OrderedWriter::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

RankTiming OrderedWriter::timing() const {
  std::lock_guard lock(mutex_);
  return timing_;
}

}  // namespace photoscore
