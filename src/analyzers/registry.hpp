#pragma once
// The seed profile's analyzers, in archive order. Adding one is a new file
// in src/analyzers/ defining `AnalyzerSpec NAME_analyzer()`, one line in
// registry.cpp's list (and in profile.cpp's for a profile of its own), a
// description of each of its fields in output/column_docs.cpp (else HDF5
// gives the field a generic one) and its line in CMakeLists.txt.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

std::span<const AnalyzerSpec> all_analyzers();
const AnalyzerSpec* find_analyzer(std::string_view name);
std::vector<std::string> default_analyzer_names();

}  // namespace photoscore
