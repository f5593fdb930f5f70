#include "output/row_json.hpp"

#include <nlohmann/json.hpp>

#include "output/utf8.hpp"

namespace photoscore {

namespace {

// Doubles stay doubles and integers integers, so nlohmann prints scores
// as the shortest decimal that round-trips and sizes without a ".0".
struct ToJson {
  nlohmann::ordered_json operator()(std::monostate) const { return nullptr; }
  // File names and messages may hold any bytes: as_utf8 keeps them
  // reversibly (valid UTF-8 is left as it is).
  nlohmann::ordered_json operator()(std::string_view v) const { return as_utf8(v); }
  nlohmann::ordered_json operator()(double v) const { return v; }
  nlohmann::ordered_json operator()(std::int64_t v) const { return v; }
};

}  // namespace

std::string row_to_json(const ScoredRow& row, const RowSchema& schema) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  const auto& columns = schema.columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Cell cell = schema.cell(row, i);
    if (columns[i].optional && std::holds_alternative<std::monostate>(cell)) continue;
    j[columns[i].name] = std::visit(ToJson{}, cell);
  }
  return j.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
}

std::string row_to_json(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers) {
  return row_to_json(row, RowSchema(analyzers));
}

}  // namespace photoscore
