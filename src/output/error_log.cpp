#include "output/error_log.hpp"

namespace photoscore {

void ErrorLog::write(const ScoredRow& row, const ImageTiming&) {
  if (row.ok) return;
  std::fprintf(out_, "photoscore: %s: %s\n", row.path.c_str(), row.error.c_str());
}

}  // namespace photoscore
