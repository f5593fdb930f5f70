#include "output/row_from_json.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace photoscore {

namespace {

using Json = nlohmann::ordered_json;

const Json& member(const Json& row, const std::string& key) {
  const auto it = row.find(key);
  if (it == row.end()) throw std::invalid_argument("no \"" + key + "\"");
  return *it;
}

std::string text(const Json& row, const std::string& key) {
  const Json& v = member(row, key);
  if (v.is_null()) return {};
  if (!v.is_string()) throw std::invalid_argument("\"" + key + "\" is not text");
  return v.get<std::string>();
}

double number(const Json& row, const std::string& key) {
  const Json& v = member(row, key);
  if (!v.is_number()) throw std::invalid_argument("\"" + key + "\" is not a number");
  return v.get<double>();
}

}  // namespace

ScoredRow row_from_json(std::string_view line, const RowSchema& schema) {
  Json j;
  try {
    j = Json::parse(line);
  } catch (const Json::parse_error&) {
    throw std::invalid_argument("not JSON");
  }
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  ScoredRow row;
  const std::string status = text(j, "status");
  if (status != "ok" && status != "error") throw std::invalid_argument("\"status\" is neither ok nor error");
  row.ok = status == "ok";
  row.filename = text(j, "filename");
  row.path = text(j, "path");
  row.error = text(j, "error");
  if (j.contains("source")) row.source = text(j, "source");
  if (!row.ok) return row;
  row.quality_score = number(j, "quality_score");
  const std::optional<Verdict> verdict = verdict_named(text(j, "verdict"));
  if (!verdict || *verdict == Verdict::Error) throw std::invalid_argument("\"verdict\" is not a verdict");
  row.verdict = *verdict;
  // Written with --groups only.
  if (j.contains("perceptual_hash")) row.perceptual_hash = text(j, "perceptual_hash");
  if (j.contains("capture_time")) row.capture_time = text(j, "capture_time");
  row.width = static_cast<int>(number(j, "width"));
  row.height = static_cast<int>(number(j, "height"));
  for (const AnalyzerSpec* a : schema.analyzers()) {
    AnalyzerResult result;
    for (const FieldSpec& f : a->fields) {
      if (f.kind == FieldSpec::Kind::Number) {
        result.values.emplace_back(number(j, f.name));
      } else {
        result.values.emplace_back(text(j, f.name));
      }
    }
    row.results.push_back(std::move(result));
  }
  return row;
}

}  // namespace photoscore
