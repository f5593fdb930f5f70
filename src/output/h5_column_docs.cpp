#include "output/h5_column_docs.hpp"

#include <vector>

#include "output/h5_attributes.hpp"
#include "output/h5_error.hpp"
#include "record/verdict.hpp"

namespace photoscore::h5 {

void write_column_docs(hid_t file, const RowSchema& schema, const std::string& path) {
  std::vector<std::string> names, units, descriptions, labels;
  for (const Column& c : schema.columns()) {
    names.push_back(c.name);
    units.push_back(c.unit);
    descriptions.push_back(c.description);
    // A label column's words, comma-joined: every value it can hold.
    std::string words;
    for (const AnalyzerSpec* a : schema.analyzers()) {
      for (const FieldSpec& f : a->fields) {
        if (f.name != c.name) continue;
        for (const std::string& w : f.labels) words += (words.empty() ? "" : ",") + w;
      }
    }
    if (c.name == "verdict") {
      for (Verdict v : kVerdicts) {
        if (v != Verdict::Error) words += (words.empty() ? "" : ",") + std::string(verdict_name(v));
      }
    }
    if (c.name == "status") words = "ok,error";
    labels.push_back(words);
  }
  Id scores = checked(H5Dopen2(file, "scores", H5P_DEFAULT), H5Dclose, path, "opening /scores");
  Attributes attributes(scores.get(), path);
  attributes.strings("columns", names);
  attributes.strings("units", units);
  attributes.strings("descriptions", descriptions);
  attributes.strings("labels", labels);
}

}  // namespace photoscore::h5
