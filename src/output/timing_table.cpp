#include "output/timing_table.hpp"

#include <algorithm>

namespace photoscore {

void print_timing_table(std::FILE* out, const RunInfo& info, const std::vector<std::string>& analyzer_names) {
  // Columns as wide as their widest entry, headers included, so neither a
  // long role ("analyzer[sharpness,exposure]") nor an analyzer's name is cut
  // and every header sits over its column.
  int role_width = 4;
  for (const RankTiming& t : info.rank_timings)
    role_width = std::max(role_width, static_cast<int>(t.role.size()));
  std::vector<int> widths;
  for (const std::string& name : analyzer_names) widths.push_back(std::max(7, static_cast<int>(name.size())));
  int threads = 1;
  for (const RankTiming& t : info.rank_timings) threads = std::max(threads, t.stage_threads);
  if (threads > 1)
    std::fprintf(out,
                 "Rank timings (seconds; stages summed over the %d threads: other = wall x %d - stages)\n",
                 threads, threads);
  else
    std::fprintf(out, "Rank timings (seconds)\n");
  std::fprintf(out, "  %-8s %-*s %7s %7s %7s %7s %7s", "rank", role_width, "role", "wall", "read", "comm",
               "wait", "decode");
  for (std::size_t i = 0; i < analyzer_names.size(); ++i)
    std::fprintf(out, " %*s", widths[i], analyzer_names[i].c_str());
  std::fprintf(out, " %7s %7s %7s %6s\n", "merge", "write", "other", "images");
  for (const RankTiming& t : info.rank_timings) {
    std::fprintf(out, "  %-8d %-*s %7.3f %7.3f %7.3f %7.3f %7.3f", t.rank, role_width, t.role.c_str(), t.wall,
                 t.read, t.comm, t.wait, t.decode);
    for (std::size_t i = 0; i < t.analyze.size(); ++i) {
      std::fprintf(out, " %*.3f", i < widths.size() ? widths[i] : 7, t.analyze[i]);
    }
    std::fprintf(out, " %7.3f %7.3f %7.3f %6lld\n", t.merge, t.write, other_seconds(t),
                 static_cast<long long>(t.images));
  }
  std::fflush(out);
}

}  // namespace photoscore
