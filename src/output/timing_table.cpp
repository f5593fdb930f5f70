#include "output/timing_table.hpp"

namespace photoscore {

void print_timing_table(std::FILE* out, const RunInfo& info, const std::vector<std::string>& analyzer_names) {
  std::fprintf(out, "Rank timings (s)  %-40s %7s %7s %7s %7s %7s", "role", "wall", "read", "comm", "wait", "decode");
  for (const std::string& name : analyzer_names) std::fprintf(out, " %7.7s", name.c_str());
  std::fprintf(out, " %7s %7s %7s %6s\n", "merge", "write", "other", "images");
  for (const RankTiming& t : info.rank_timings) {
    double other = t.wall - t.read - t.comm - t.wait - t.decode - t.merge - t.write;
    std::fprintf(out, "  rank %-3d %-48s %7.3f %7.3f %7.3f %7.3f %7.3f", t.rank, t.role.c_str(), t.wall, t.read,
                 t.comm, t.wait, t.decode);
    for (double s : t.analyze) {
      std::fprintf(out, " %7.3f", s);
      other -= s;
    }
    std::fprintf(out, " %7.3f %7.3f %7.3f %6lld\n", t.merge, t.write, other, static_cast<long long>(t.images));
  }
  std::fflush(out);
}

}  // namespace photoscore
