// The one list of a row's columns (RowSchema) that every sink walks: its
// order, types and null rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/row_schema.hpp"
#include "sample_rows.hpp"

namespace photoscore {
namespace {

using test_support::specs;

ScoredRow ok_row(const std::vector<const AnalyzerSpec*>& analyzers) {
  return test_support::sample_row(analyzers, "a.jpg", 640, 0.5, 1.5, 1.0, "!");
}

std::vector<std::string> names_of(const RowSchema& schema) {
  std::vector<std::string> out;
  for (const auto& c : schema.columns()) out.push_back(c.name);
  return out;
}

const Column& column(const RowSchema& schema, const std::string& name) {
  for (const auto& c : schema.columns()) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no column " + name);
}

TEST(RowSchema, DefaultColumnsInArchiveOrder) {
  const RowSchema schema(specs({"sharpness", "exposure", "composition"}));
  EXPECT_EQ(names_of(schema), (std::vector<std::string>{"filename",
                                                        "quality_score",
                                                        "verdict",
                                                        "laplacian_var",
                                                        "sharpness_score",
                                                        "sharpness_verdict",
                                                        "mean_brightness",
                                                        "exposure_score",
                                                        "exposure_verdict",
                                                        "thirds_coverage",
                                                        "composition_score",
                                                        "composition_verdict",
                                                        "width",
                                                        "height",
                                                        "clipped_shadows",
                                                        "clipped_highlights",
                                                        "center_bias",
                                                        "source",
                                                        "path",
                                                        "status",
                                                        "error"}));
  EXPECT_EQ(column(schema, "width").type, ColumnType::Integer);
  EXPECT_EQ(column(schema, "height").type, ColumnType::Integer);
  EXPECT_EQ(column(schema, "quality_score").type, ColumnType::Number);
  EXPECT_EQ(column(schema, "clipped_shadows").type, ColumnType::Number);
  EXPECT_EQ(column(schema, "exposure_verdict").type, ColumnType::Text);
  EXPECT_EQ(column(schema, "error").type, ColumnType::Text);
}

// Every field of every registered analyzer is one column, once, with its kind.
TEST(RowSchema, EveryAnalyzerFieldOnce) {
  const auto all = specs({"sharpness", "exposure", "composition", "color"});
  const RowSchema schema(all);
  const auto names = names_of(schema);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  std::size_t fields = 0;
  for (const auto* a : all) {
    for (const auto& f : a->fields) {
      ++fields;
      const Column& c = column(schema, f.name);
      EXPECT_EQ(c.type, f.kind == FieldSpec::Kind::Number ? ColumnType::Number : ColumnType::Text) << f.name;
      EXPECT_EQ(c.null_on, NullOn::ErrorRows) << f.name;
    }
  }
  EXPECT_EQ(names.size(),
            fields + 9);  // filename, quality_score, verdict, width, height, source, path, status, error
}

TEST(RowSchema, OkRowIsNullOnlyInError) {
  const auto analyzers = specs({"sharpness", "exposure", "composition", "color"});
  const RowSchema schema(analyzers);
  const ScoredRow row = ok_row(analyzers);
  for (std::size_t i = 0; i < schema.columns().size(); ++i) {
    const Column& c = schema.columns()[i];
    const Cell cell = schema.cell(row, i);
    // source: only a camera RAW's row has one.
    EXPECT_EQ(std::holds_alternative<std::monostate>(cell), c.name == "error" || c.name == "source")
        << c.name;
  }
  const auto at = [&](const std::string& name) {
    const auto names = names_of(schema);
    return schema.cell(row,
                       static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin()));
  };
  EXPECT_EQ(std::get<std::int64_t>(at("width")), 640);
  EXPECT_EQ(std::get<double>(at("quality_score")), 0.5);
  EXPECT_EQ(std::get<double>(at("laplacian_var")), 1.5);
  EXPECT_EQ(std::get<std::string_view>(at("sharpness_verdict")), "sharpness_verdict!");
  EXPECT_EQ(std::get<std::string_view>(at("status")), "ok");
  EXPECT_EQ(std::get<std::string_view>(at("path")), "photos/a.jpg");
}

TEST(RowSchema, ErrorRowHasOnlyNameStatusAndReason) {
  const auto analyzers = specs({"sharpness", "exposure", "composition", "color"});
  const RowSchema schema(analyzers);
  // Stale scores in an error row must not leak into any sink.
  ScoredRow row = ok_row(analyzers);
  row.ok = false;
  row.error = "truncated JPEG";
  const std::set<std::string> kept = {"filename", "path", "status", "error"};
  for (std::size_t i = 0; i < schema.columns().size(); ++i) {
    const std::string& name = schema.columns()[i].name;
    EXPECT_EQ(std::holds_alternative<std::monostate>(schema.cell(row, i)), kept.count(name) == 0) << name;
  }
  EXPECT_EQ(std::get<std::string_view>(schema.cell(row, schema.columns().size() - 2)), "error");
  EXPECT_EQ(std::get<std::string_view>(schema.cell(row, schema.columns().size() - 1)), "truncated JPEG");
}

TEST(RowSchema, OkRowWithoutResultsReadsNullNotPastTheEnd) {
  const auto analyzers = specs({"sharpness", "exposure"});
  const RowSchema schema(analyzers);
  ScoredRow row = ok_row(analyzers);
  row.results.resize(1);
  for (std::size_t i = 0; i < schema.columns().size(); ++i) {
    const std::string& name = schema.columns()[i].name;
    const bool exposure =
        name.rfind("exposure", 0) == 0 || name.rfind("clipped", 0) == 0 || name == "mean_brightness";
    if (exposure) EXPECT_TRUE(std::holds_alternative<std::monostate>(schema.cell(row, i))) << name;
  }
}

}  // namespace
}  // namespace photoscore
