#include "run/memory_budget.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "image/probe.hpp"

namespace photoscore {

namespace {

// Measured peak per pixel of one photo in flight: 3 bytes of RGB, the
// composition kernel's 2-byte key per pixel, and decoder and strip buffers
// (a 24 MP JPEG peaks about 125 MB above an idle process).
constexpr std::uint64_t kBytesPerPixel = 6;

// A limit file's value in bytes ("max" or unreadable: none).
std::uint64_t read_limit(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  return end && *end == '\0' ? v : 0;
}

std::uint64_t slurm_memory() {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  if (const char* node = std::getenv("SLURM_MEM_PER_NODE")) return std::strtoull(node, nullptr, 10) * kMiB;
  const char* cpu = std::getenv("SLURM_MEM_PER_CPU");
  const char* cpus = std::getenv("SLURM_CPUS_ON_NODE");
  if (cpu && cpus) return std::strtoull(cpu, nullptr, 10) * std::strtoull(cpus, nullptr, 10) * kMiB;
  return 0;
}

}  // namespace

bool MemoryBudget::acquire(std::uint64_t need) {
  if (total_ == 0) return true;
  if (need > total_) return false;
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return used_ + need <= total_; });
  used_ += need;
  return true;
}

void MemoryBudget::release(std::uint64_t held) {
  if (total_ == 0 || held == 0) return;
  {
    std::lock_guard lock(mutex_);
    used_ -= std::min(used_, held);
  }
  freed_.notify_all();
}

PhotoMemory photo_memory_estimate(const std::string& path, const DecodeLimits& limits) {
  const ImageProbe probe = probe_image(path, limits);
  if (!probe.ok || probe.width <= 0 || probe.height <= 0) return {};
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(probe.width) * static_cast<std::uint64_t>(probe.height);
  if (pixels > limits.max_pixels) return {};
  return {pixels * kBytesPerPixel + probe.file_bytes + probe.decoder_bytes, probe.decoder_bytes};
}

std::uint64_t decoder_allowance(const PhotoMemory& need, std::uint64_t budget) {
  if (budget == 0) return 0;
  if (need.decoder_bytes == 0) return budget;
  return std::min(budget, std::max(2 * need.decoder_bytes, kMinDecoderMemory));
}

std::uint64_t default_memory_budget(int ranks_on_node) {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  std::uint64_t memory =
      pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
  rlimit address{};
  const std::uint64_t address_limit =
      getrlimit(RLIMIT_AS, &address) == 0 && address.rlim_cur != RLIM_INFINITY ? address.rlim_cur : 0;
  for (const std::uint64_t limit :
       {read_limit("/sys/fs/cgroup/memory.max"), read_limit("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
        slurm_memory(), address_limit}) {
    if (limit > 0 && (memory == 0 || limit < memory)) memory = limit;
  }
  return memory / 10 * 8 / static_cast<std::uint64_t>(std::max(1, ranks_on_node));
}

}  // namespace photoscore
