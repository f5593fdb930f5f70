#include "record/run_info.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

namespace photoscore {

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string this_host() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::int64_t peak_memory_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10) * 1024;  // in kB
  }
  return 0;
}

std::string slurm_job_id() {
  const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* array_task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array_job && array_task) return std::string(array_job) + "_" + array_task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job ? job : "";
}

namespace {

// getrusage of `who` (RUSAGE_SELF, RUSAGE_THREAD); all zeros where it fails.
rusage usage_of(int who) {
  rusage usage{};
  if (getrusage(who, &usage) != 0) return rusage{};
  return usage;
}

}  // namespace

double process_cpu_seconds() {
  const rusage usage = usage_of(RUSAGE_SELF);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::int64_t thread_preemptions() { return usage_of(RUSAGE_THREAD).ru_nivcsw; }

std::int64_t process_preemptions() { return usage_of(RUSAGE_SELF).ru_nivcsw; }

double thread_cpu_seconds() {
  timespec t{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0.0;
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

}  // namespace photoscore
