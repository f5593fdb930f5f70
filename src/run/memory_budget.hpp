#pragma once
// A memory budget for the photos a process holds at once. Each thread in
// thread mode decodes and scores a whole photo, so the memory a job needs
// grows with threads x photo size: four large photos at once can take a
// node's memory where one at a time fits. A thread reserves its photo's
// estimated bytes before reading it and waits while the others' photos fill
// the budget; a photo larger than the whole budget is refused (an error
// row) rather than started.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace photoscore {

class MemoryBudget {
 public:
  // `bytes` 0: no budget, every reservation is granted at once.
  explicit MemoryBudget(std::uint64_t bytes) : total_(bytes) {}

  std::uint64_t total() const { return total_; }

  // Waits until `need` bytes fit beside what others hold, then holds them.
  // False, at once, when `need` exceeds the whole budget.
  bool acquire(std::uint64_t need);
  void release(std::uint64_t held);

 private:
  const std::uint64_t total_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::uint64_t used_ = 0;
};

// What scoring the photo at `path` will hold at its peak, from its header:
// the decoded RGB pixels, the scorer's per-pixel buffers, and the file's own
// bytes. 0 when the header cannot be read or claims more than `max_pixels`:
// decoding will refuse the photo with its own, every-mode reason.
std::uint64_t photo_memory_estimate(const std::string& path, std::uint64_t max_pixels);

// The default budget of one rank: the memory this job may use (the smallest
// of the machine's memory, the cgroup's limit, Slurm's --mem and the
// address-space limit of ulimit -v), 80% of it,
// shared among the job's ranks on this node.
std::uint64_t default_memory_budget(int ranks_on_node);

}  // namespace photoscore
