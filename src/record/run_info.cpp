#include "record/run_info.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>

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

std::string slurm_job_id() {
  const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
  const char* array_task = std::getenv("SLURM_ARRAY_TASK_ID");
  if (array_job && array_task) return std::string(array_job) + "_" + array_task;
  const char* job = std::getenv("SLURM_JOB_ID");
  return job ? job : "";
}

}  // namespace photoscore
