// The CSV export (CsvSink), read back with an independent RFC 4180 parser:
// the header, every cell against the JSONL row, quoting of hostile file
// names, nulls as empty cells, and the write-then-rename.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/csv_sink.hpp"
#include "output/row_json.hpp"
#include "support/sample_rows.hpp"
#include "support/temp_dir.hpp"
#include "support/with_source.hpp"

namespace photoscore {
namespace {

using test_support::specs;

using test_support::with_source;

namespace fs = std::filesystem;
using photoscore::test_support::TempDir;

ScoredRow ok_row(const std::vector<const AnalyzerSpec*>& analyzers, const std::string& name, double seed) {
  return test_support::sample_row(analyzers, name, 640 + static_cast<int>(seed), 0.374 + seed, seed + 0.125,
                                  1.1, "_" + name);
}

ScoredRow error_row(const std::string& name, const std::string& reason) {
  ScoredRow row;
  row.filename = name;
  row.path = "bad/" + name;
  row.ok = false;
  row.error = reason;
  return row;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// RFC 4180 as readers see it: records end in CRLF, fields split on commas,
// a quoted field may hold commas, CR, LF and doubled quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty()) << "quote inside an unquoted field at byte " << i;
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at byte " << i;
      ++i;
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      EXPECT_NE(c, '\n') << "bare LF outside quotes at byte " << i;
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(field.empty() && record.empty()) << "last record lacks its CRLF";
  return records;
}

// The CSV cell a JSONL value should become: empty for null, the JSON number's
// own text, the string's bytes.
std::string expected_cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

RunInfo info() { return RunInfo{}; }

class CsvSinkRows : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(CsvSinkRows, EveryCellMatchesTheJsonl) {
  const auto analyzers = specs(GetParam());
  TempDir dir;
  const fs::path path = dir.path() / "scores.csv";
  const std::vector<ScoredRow> rows = {
      ok_row(analyzers, "a.jpg", 0.0),
      error_row("quo\"te, \"comma\".jpg", "cannot decode: \"bad\", really"),
      ok_row(analyzers, "new\nline,\r\ncrlf \"q\".png", 10.0),
      ok_row(analyzers, "caf\xc3\xa9 \xe2\x9c\x93.png", 2.0),
      error_row("empty.jpg", "empty file"),
  };
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    for (const auto& row : rows) sink.write(row, ImageTiming{});
    // Until close() the rows live only under the temporary name.
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(fs::exists(path.string() + ".partial-" + std::to_string(getpid())));
    sink.close(info());
  }
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.csv"});

  const auto records = parse_csv(read_all(path));
  ASSERT_EQ(records.size(), rows.size() + 1);
  const auto first = with_source(row_to_json(rows[0], analyzers));
  std::vector<std::string> keys;
  for (const auto& item : first.items()) keys.push_back(item.key());
  EXPECT_EQ(records[0], keys);

  for (std::size_t r = 0; r < rows.size(); ++r) {
    SCOPED_TRACE(r);
    const auto j = with_source(row_to_json(rows[r], analyzers));
    ASSERT_EQ(records[r + 1].size(), keys.size());
    std::size_t k = 0;
    for (const auto& item : j.items()) {
      EXPECT_EQ(records[r + 1][k], expected_cell(item.value())) << item.key();
      ++k;
    }
  }
  // Spot checks that do not go through the JSONL.
  EXPECT_EQ(records[1][0], "a.jpg");
  EXPECT_EQ(records[1][1], "0.374");
  EXPECT_EQ(records[3][0], "new\nline,\r\ncrlf \"q\".png");
  EXPECT_EQ(records[2][0], "quo\"te, \"comma\".jpg");
  EXPECT_EQ(records[2].back(), "cannot decode: \"bad\", really");
  EXPECT_EQ(records[2][1], "");      // quality_score of an error row
  EXPECT_EQ(records[1].back(), "");  // error of an ok row
}

INSTANTIATE_TEST_SUITE_P(Analyzers, CsvSinkRows,
                         ::testing::Values(std::vector<std::string>{"sharpness", "exposure", "composition"},
                                           std::vector<std::string>{"sharpness", "exposure", "composition",
                                                                    "color"},
                                           std::vector<std::string>{"color"}),
                         [](const auto& param) {
                           std::string name;
                           for (const auto& a : param.param) name += (name.empty() ? "" : "_") + a;
                           return name;
                         });

TEST(CsvSink, ExactBytesOfAQuotedRecord) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  const fs::path path = dir.path() / "x.csv";
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    sink.write(error_row("a,\"b\"\nc.jpg", "empty file"), ImageTiming{});
    sink.close(info());
  }
  EXPECT_EQ(read_all(path),
            "filename,quality_score,verdict,laplacian_var,sharpness_score,sharpness_verdict,width,height,"
            "source,path,status,"
            "error\r\n"
            "\"a,\"\"b\"\"\nc.jpg\",,,,,,,,,\"bad/a,\"\"b\"\"\nc.jpg\",error,empty file\r\n");
}

TEST(CsvSink, FieldQuoting) {
  EXPECT_EQ(csv_field("plain.jpg"), "plain.jpg");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("lf\n"), "\"lf\n\"");
  EXPECT_EQ(csv_field(" spaced "), " spaced ");  // RFC 4180: spaces are part of the field
}

// File names are bytes; the CSV holds the same UTF-8 as the JSONL.
TEST(CsvSink, InvalidUtf8BecomesWhatTheJsonlHolds) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  const fs::path path = dir.path() / "utf8.csv";
  const ScoredRow row = error_row("bad\xff\xfe name\xc3.jpg", "cannot decode");
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    sink.write(row, ImageTiming{});
    sink.close(info());
  }
  const auto records = parse_csv(read_all(path));
  ASSERT_EQ(records.size(), 2u);
  const auto j = nlohmann::json::parse(row_to_json(row, analyzers));
  EXPECT_EQ(records[1][0], j["filename"].get<std::string>());
  EXPECT_EQ(records[1][0], "bad\\xff\\xfe name\\xc3.jpg");
}

TEST(CsvSink, EmptyRunIsTheHeaderAlone) {
  const auto analyzers = specs({"color"});
  TempDir dir;
  const fs::path path = dir.path() / "empty.csv";
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    sink.close(info());
  }
  // color has no headline figures: all of them follow width and height.
  EXPECT_EQ(
      read_all(path),
      "filename,quality_score,verdict,width,height,colorfulness,color_score,color_verdict,source,path,status,"
      "error\r\n");
}

// An old complete file survives an unfinished run, and nothing else is left.
TEST(CsvSink, OldFileReplacedOnlyAtClose) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  const fs::path path = dir.path() / "scores.csv";
  std::ofstream(path) << "old results";
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    sink.write(ok_row(analyzers, "a.jpg", 0.0), ImageTiming{});
    // Destroyed without close(): the run failed.
  }
  EXPECT_EQ(read_all(path), "old results");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.csv"});
  {
    CsvSink sink(path.string(), analyzers);
    sink.open(info());
    sink.write(ok_row(analyzers, "a.jpg", 0.0), ImageTiming{});
    EXPECT_EQ(read_all(path), "old results");
    sink.close(info());
  }
  EXPECT_EQ(parse_csv(read_all(path)).size(), 2u);
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.csv"});
}

TEST(CsvSink, UnwritableFolderFailsInTheConstructor) {
  TempDir dir;
  const std::string path = (dir.path() / "no_such_folder" / "x.csv").string();
  try {
    CsvSink sink(path, specs({"sharpness"}));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cannot write " + path + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
  EXPECT_THROW(CsvSink(dir.path().string(), specs({"sharpness"})), std::runtime_error);
  EXPECT_THROW(CsvSink("", specs({"sharpness"})), std::runtime_error);
}

TEST(CsvSink, WriteBeforeOpenIsALogicError) {
  TempDir dir;
  CsvSink sink((dir.path() / "x.csv").string(), specs({"sharpness"}));
  EXPECT_THROW(sink.write(error_row("a.jpg", "x"), ImageTiming{}), std::logic_error);
  EXPECT_TRUE(dir.names().empty());
}

}  // namespace
}  // namespace photoscore
