#include "output/row_schema.hpp"

#include <algorithm>

#include "output/column_docs.hpp"

namespace photoscore {

namespace {

Cell field_cell(const ScoredRow& row, std::size_t analyzer, std::size_t field) {
  if (analyzer >= row.results.size() || field >= row.results[analyzer].values.size()) return {};
  const FieldValue& v = row.results[analyzer].values[field];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::string_view(std::get<std::string>(v));
}

void add_fields(std::vector<Column>& columns, const std::vector<const AnalyzerSpec*>& analyzers,
                bool headline) {
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    const auto& fields = analyzers[a]->fields;
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].headline != headline) continue;
      const ColumnType type =
          fields[f].kind == FieldSpec::Kind::Number ? ColumnType::Number : ColumnType::Text;
      columns.push_back({fields[f].name, type, NullOn::ErrorRows,
                         [a, f](const ScoredRow& row) { return field_cell(row, a, f); }});
      // A label without its words declared still gets a column that holds any word.
      std::size_t longest = fields[f].labels.empty() ? 32 : 1;
      for (const std::string& label : fields[f].labels) longest = std::max(longest, label.size());
      if (type == ColumnType::Text) columns.back().max_bytes = longest;
      columns.back().unit = fields[f].unit;
      columns.back().description = fields[f].description;
    }
  }
}

}  // namespace

RowSchema::RowSchema(std::vector<const AnalyzerSpec*> analyzers, bool grouping)
    : analyzers_(std::move(analyzers)) {
  using T = ColumnType;
  auto& c = columns_;
  c.push_back({"filename", T::Text, NullOn::Never,
               [](const ScoredRow& r) { return Cell(std::string_view(r.filename)); }});
  c.push_back({"quality_score", T::Number, NullOn::ErrorRows,
               [](const ScoredRow& r) { return Cell(r.quality_score); }});
  c.push_back({"verdict", T::Text, NullOn::ErrorRows,
               [](const ScoredRow& r) { return Cell(verdict_name(r.verdict)); }});
  add_fields(c, analyzers_, true);
  c.push_back({"width", T::Integer, NullOn::ErrorRows,
               [](const ScoredRow& r) { return Cell(std::int64_t{r.width}); }});
  c.push_back({"height", T::Integer, NullOn::ErrorRows,
               [](const ScoredRow& r) { return Cell(std::int64_t{r.height}); }});
  add_fields(c, analyzers_, false);
  c.push_back(
      {"source", T::Text, NullOn::Never,
       [](const ScoredRow& r) { return r.source.empty() ? Cell() : Cell(std::string_view(r.source)); },
       true});
  if (grouping) {
    c.push_back({"perceptual_hash", T::Text, NullOn::ErrorRows, [](const ScoredRow& r) {
                   return r.perceptual_hash.empty() ? Cell() : Cell(std::string_view(r.perceptual_hash));
                 }});
    c.back().grouping = true;
    c.push_back({"capture_time", T::Text, NullOn::ErrorRows, [](const ScoredRow& r) {
                   return r.capture_time.empty() ? Cell() : Cell(std::string_view(r.capture_time));
                 }});
    c.back().grouping = true;
  }
  c.push_back(
      {"path", T::Text, NullOn::Never, [](const ScoredRow& r) { return Cell(std::string_view(r.path)); }});
  c.push_back({"status", T::Text, NullOn::Never,
               [](const ScoredRow& r) { return Cell(std::string_view(r.ok ? "ok" : "error")); }});
  c.push_back(
      {"error", T::Text, NullOn::OkRows, [](const ScoredRow& r) { return Cell(std::string_view(r.error)); }});
  for (Column& column : c) {
    if (column.name == "verdict") column.max_bytes = 7;  // post_it, maybe, delete
    if (column.name == "status") column.max_bytes = 5;   // ok, error
    if (column.name == "source") column.max_bytes = kMaxSourceBytes;
    if (column.name == "perceptual_hash") column.max_bytes = kHashBytes;
    if (column.name == "capture_time") column.max_bytes = kMaxCaptureTimeBytes;
    if (column.name == "error") column.max_bytes = kMaxErrorBytes;
    if (!column.description.empty()) continue;  // an analyzer's field, which says what it is
    ColumnDoc doc = column_doc(column.name);
    column.unit = std::move(doc.unit);
    column.description = std::move(doc.description);
  }
}

Cell RowSchema::cell(const ScoredRow& row, std::size_t i) const {
  const Column& column = columns_.at(i);
  if ((column.null_on == NullOn::ErrorRows && !row.ok) || (column.null_on == NullOn::OkRows && row.ok))
    return {};
  return column.read(row);
}

}  // namespace photoscore
