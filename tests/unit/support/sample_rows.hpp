#pragma once
// Rows for the sink tests: every number distinct (first, first + step, ...),
// so a value written under the wrong key or column shows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "record/scored_row.hpp"

namespace photoscore::test_support {

inline std::vector<const AnalyzerSpec*> specs(const std::vector<std::string>& names) {
  std::vector<const AnalyzerSpec*> out;
  for (const auto& n : names) {
    const AnalyzerSpec* a = find_analyzer(n);
    EXPECT_NE(a, nullptr) << n;
    out.push_back(a);
  }
  return out;
}

// An ok row of `width` x 427 pixels named `name` (path photos/NAME); the
// analyzers' numbers run from `first` by `step`, each label is the field's
// name followed by `label_suffix`.
inline ScoredRow sample_row(const std::vector<const AnalyzerSpec*>& analyzers, const std::string& name,
                            int width, double quality, double first, double step,
                            const std::string& label_suffix) {
  ScoredRow row;
  row.filename = name;
  row.path = "photos/" + name;
  row.ok = true;
  row.width = width;
  row.height = 427;
  row.quality_score = quality;
  row.verdict = Verdict::Maybe;
  double next = first;
  for (const AnalyzerSpec* a : analyzers) {
    AnalyzerResult r;
    for (const auto& f : a->fields) {
      if (f.kind == FieldSpec::Kind::Number) {
        r.values.emplace_back(next);
        next += step;
      } else {
        r.values.emplace_back(f.name + label_suffix);
      }
    }
    row.results.push_back(std::move(r));
  }
  return row;
}

}  // namespace photoscore::test_support
