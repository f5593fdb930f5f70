#pragma once
// Every analyzer photoscore knows, in archive order. Adding one is a new file
// in src/analyzers/ defining `AnalyzerSpec NAME_analyzer()` (its fields with
// their units and descriptions: number_field, label_field), one line in
// registry.cpp's list and the file in CMakeLists.txt.
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
