#include "output/error_log.hpp"

#include "output/utf8.hpp"

namespace photoscore {

void ErrorLog::write(const ScoredRow& row, const ImageTiming&) {
  if (row.ok) return;
  // Names reach a terminal: a newline or ESC in one must not.
  std::fprintf(out_, "photoscore: %s: %s\n", for_terminal(row.path).c_str(), for_terminal(row.error).c_str());
}

}  // namespace photoscore
