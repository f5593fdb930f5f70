#include <cstdio>

#include "app/job_from_options.hpp"

namespace photoscore {

// One line at the end, under the per-file lines the error log printed as
// they came: how many, and why the exit status is what it is, so that a
// batch log read from its end says it.
void print_error_count(std::FILE* out, const RunInfo& info, bool fail_on_errors) {
  if (info.errors == 0) return;
  std::fprintf(out, "photoscore: %lld of %lld file%s could not be scored (an error row each)",
               static_cast<long long>(info.errors), static_cast<long long>(info.images),
               info.images == 1 ? "" : "s");
  if (!info.interrupted_by.empty()) {
    std::fprintf(out, "\n");
  } else if (fail_on_errors) {
    std::fprintf(out, ": exit status 1 (--fail-on-errors)\n");
  } else {
    std::fprintf(out, "; the run completed: exit status 0 (--fail-on-errors makes it 1)\n");
  }
  std::fflush(out);
}

}  // namespace photoscore
