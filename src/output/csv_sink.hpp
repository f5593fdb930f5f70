#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "output/row_schema.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The rows as CSV (RFC 4180) for spreadsheets and pandas: a header line of
// the schema's column names, then one record per photo, with empty cells
// where the JSONL has null.
//
// Written under a temporary name and renamed once complete, like the HDF5
// file, rather than flushed per row like the JSONL: a CSV record may span
// lines (a quoted newline in a file name), so a cut-off file is not a valid
// prefix that readers can use, and the JSONL already is the archive that
// survives an interrupted job.
class CsvSink final : public FormattingSink {
 public:
  CsvSink(std::string path, const FormatContext& context);
  // With the default context (any name fits): for tests and one-off callers.
  CsvSink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
      : CsvSink(std::move(path), default_context(std::move(analyzers))) {}
  ~CsvSink() override;
  CsvSink(const CsvSink&) = delete;
  CsvSink& operator=(const CsvSink&) = delete;

  void open(const RunInfo& info) override;
  void append(std::string_view records, std::int64_t rows) override;
  void close(const RunInfo& info) override;

 private:
  void put(std::string_view records);

  std::string path_;
  std::string partial_;
  std::FILE* file_ = nullptr;
};

// One CSV field: quoted, with quotes doubled, when it holds a comma, a
// quote, CR or LF (RFC 4180, 2.6 and 2.7); as it is otherwise.
std::string csv_field(std::string_view text);

// A row's CSV record and its CRLF.
std::unique_ptr<RowFormatter> make_csv_formatter(const FormatContext& context);

}  // namespace photoscore
