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

#include "image/decode.hpp"

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

// Holds a photo's share of the budget until the photo is done, also when
// scoring it throws.
class Reservation {
 public:
  Reservation(MemoryBudget& budget, std::uint64_t bytes) : budget_(budget), bytes_(bytes) {}
  ~Reservation() { budget_.release(bytes_); }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

 private:
  MemoryBudget& budget_;
  std::uint64_t bytes_;
};

struct PhotoMemory {
  std::uint64_t bytes = 0;  // all of it
  // Of which a decoder helper holds (decoder_helpers.hpp); 0 for photos
  // decoded in process.
  std::uint64_t decoder_bytes = 0;
};

// What scoring the photo at `path` will hold at its peak, from its header
// (for camera RAW and HEIF the size decoding will really produce, probed
// by a decoder helper): the decoded RGB pixels, the scorer's per-pixel
// buffers, the file's own bytes and what a decoder helper holds. 0 when
// the header cannot be read or claims more than limits.max_pixels:
// decoding will refuse the photo with its own, every-mode reason.
PhotoMemory photo_memory_estimate(const std::string& path, const DecodeLimits& limits);

// The address space a decoder helper may add for a photo of this estimate
// under a budget of `budget` bytes: twice what it should need (estimates are
// estimates), at least kMinDecoderMemory, at most the whole budget.
std::uint64_t decoder_allowance(const PhotoMemory& need, std::uint64_t budget);
inline constexpr std::uint64_t kMinDecoderMemory = std::uint64_t{256} << 20;

// The default budget of one rank: the memory this job may use (the smallest
// of the machine's memory, the cgroup's limit, Slurm's --mem and the
// address-space limit of ulimit -v), 80% of it,
// shared among the job's ranks on this node.
std::uint64_t default_memory_budget(int ranks_on_node);

}  // namespace photoscore
