#include "run/ordered_writer.hpp"

#include <stdexcept>
#include <utility>

#include "image/clock.hpp"

namespace photoscore {

namespace {
constexpr std::size_t kSpent = 64;  // encoded blocks' buffers kept for take_spent()
}  // namespace

OrderedWriter::OrderedWriter(RowSink& sinks, std::size_t window, double commit_seconds)
    : sinks_(sinks), window_(window), commit_seconds_(commit_seconds) {}

bool OrderedWriter::has_room(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < written_ + window_;
}

bool OrderedWriter::wait_for_room(std::size_t index) {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return index < written_ + window_ || failure_ || cut_; });
  return !failure_ && !cut_;
}

void OrderedWriter::finish(RowBlock&& block) {
  const std::int64_t first = block.first;
  Pending pending;
  pending.block = std::move(block);
  add(first, std::move(pending));
}

void OrderedWriter::finish_encoded(std::string&& bytes, std::size_t from) {
  Pending pending;
  pending.bytes = std::move(bytes);
  pending.from = from;
  const std::int64_t first = pending.look().first;
  add(first, std::move(pending));
}

void OrderedWriter::add(std::int64_t first, Pending&& pending) {
  std::unique_lock lock(mutex_);
  // After a stopped photo nothing more is written (stopped_short()).
  if (failure_ || cut_) return;
  if (first < static_cast<std::int64_t>(written_))
    throw std::logic_error("OrderedWriter: a block for row " + std::to_string(first) + ", already written");
  // Viewed where it rests: a map's elements never move.
  auto [at, fresh] = ready_.emplace(first, std::move(pending));
  if (!fresh) throw std::logic_error("OrderedWriter: two blocks start at row " + std::to_string(first));
  Pending& p = at->second;
  p.view = p.look();
  if (draining_) return;
  // Only one thread writes at a time, so blocks leave in order; it lets go
  // of the lock while a block is written, so the others keep adding.
  draining_ = true;
  try {
    for (auto it = ready_.find(static_cast<std::int64_t>(written_)); it != ready_.end();
         it = ready_.find(static_cast<std::int64_t>(written_))) {
      // A decode abandoned as the run stopped says nothing about
      // its photo: the written rows end before it, as if it was never taken.
      if (it->second.view.stopped) {
        cut_ = true;
        ready_.clear();
        room_.notify_all();
        break;
      }
      Pending next = std::move(it->second);
      ready_.erase(it);
      lock.unlock();
      // Looked at again where it rests now (a short section moves with its string).
      const double t0 = seconds_now();
      sinks_.append_block(next.look());
      const double t1 = seconds_now();
      lock.lock();
      if (!next.bytes.empty() && spent_.size() < kSpent) spent_.push_back(std::move(next.bytes));
      timing_.write += t1 - t0;
      timing_.images += next.view.count;
      errors_ += next.view.errors;
      written_ += static_cast<std::size_t>(next.view.count);
      if (unflushed_since_ < 0) unflushed_since_ = t1;
      room_.notify_all();
    }
    flush_locked(seconds_now());
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    failure_ = std::current_exception();
    room_.notify_all();
  }
  draining_ = false;
}

void OrderedWriter::flush_locked(double now) {
  if (unflushed_since_ < 0 || now - unflushed_since_ < commit_seconds_) return;
  const double t0 = seconds_now();
  sinks_.flush();
  timing_.write += seconds_now() - t0;
  unflushed_since_ = -1.0;
}

std::vector<std::string> OrderedWriter::take_spent() {
  std::lock_guard lock(mutex_);
  return std::exchange(spent_, {});
}

void OrderedWriter::tick() {
  std::unique_lock lock(mutex_);
  if (failure_ || draining_) return;
  try {
    flush_locked(seconds_now());
  } catch (...) {
    failure_ = std::current_exception();
    room_.notify_all();
  }
}

bool OrderedWriter::assemble_elsewhere() {
  std::lock_guard lock(mutex_);
  return sinks_.assemble_elsewhere();
}

std::vector<ChunkPiece> OrderedWriter::take_chunk_pieces() {
  std::lock_guard lock(mutex_);
  return sinks_.take_chunk_pieces();
}

void OrderedWriter::rows_complete() {
  std::lock_guard lock(mutex_);
  sinks_.rows_complete();
}

void OrderedWriter::write_filtered(std::uint64_t key, std::string&& filtered) {
  std::lock_guard lock(mutex_);
  const double t0 = seconds_now();
  sinks_.write_filtered(key, std::move(filtered));
  timing_.write += seconds_now() - t0;
}

std::optional<JsonlTarget> OrderedWriter::lane_target() const {
  std::lock_guard lock(mutex_);
  return sinks_.lane_target();
}

std::vector<JsonlGrant> OrderedWriter::take_grants() {
  std::lock_guard lock(mutex_);
  return sinks_.take_grants();
}

void OrderedWriter::landed(std::uint64_t owner, std::uint64_t key) {
  std::lock_guard lock(mutex_);
  const double t0 = seconds_now();
  sinks_.landed(owner, key);
  timing_.write += seconds_now() - t0;
}

bool OrderedWriter::awaiting_lanes() const {
  std::lock_guard lock(mutex_);
  return sinks_.awaiting_lanes();
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
