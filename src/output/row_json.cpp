#include "output/row_json.hpp"

#include <nlohmann/json.hpp>

namespace photoscore {

namespace {

void put_fields(nlohmann::ordered_json& j, const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers,
                bool headline) {
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    const auto& fields = analyzers[a]->fields;
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].headline != headline) continue;
      if (!row.ok) {
        j[fields[f].name] = nullptr;
      } else if (const auto* d = std::get_if<double>(&row.results[a].values[f])) {
        j[fields[f].name] = *d;
      } else {
        j[fields[f].name] = std::get<std::string>(row.results[a].values[f]);
      }
    }
  }
}

}  // namespace

std::string row_to_json(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers) {
  nlohmann::ordered_json j;
  j["filename"] = row.filename;
  if (row.ok) {
    j["quality_score"] = row.quality_score;
    j["verdict"] = row.verdict;
  } else {
    j["quality_score"] = nullptr;
    j["verdict"] = nullptr;
  }
  put_fields(j, row, analyzers, true);
  if (row.ok) {
    j["width"] = row.width;
    j["height"] = row.height;
  } else {
    j["width"] = nullptr;
    j["height"] = nullptr;
  }
  put_fields(j, row, analyzers, false);
  if (!row.source.empty()) j["source"] = row.source;  // camera RAWs only (issue 12)
  j["path"] = row.path;
  j["status"] = row.ok ? "ok" : "error";
  if (row.ok) {
    j["error"] = nullptr;
  } else {
    j["error"] = row.error;
  }
  return j.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace photoscore
