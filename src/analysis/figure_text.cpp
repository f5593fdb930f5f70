#include <cstdio>

#include "analysis/analyzer.hpp"

namespace photoscore {

std::string figure_text(const AnalyzerResult& r, std::size_t field, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, std::get<double>(r.values[field]));
  return buf;
}

}  // namespace photoscore
