#pragma once
// The columns of a results row, written once for every sink: the JSONL
// archive, the HDF5 /scores table and the CSV export all walk this list, so
// they cannot disagree on a column's name, place, type or when it is null,
// and a new sink is one small file.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "record/scored_row.hpp"

namespace photoscore {

enum class ColumnType { Text, Number, Integer };

// Which rows have no value in a column. Error rows have no scores, and ok
// rows have no error; some columns (filename, path, status) always have one.
enum class NullOn { Never, ErrorRows, OkRows };

// One cell: null (monostate) or a value of its column's type. Text views
// point into the row (or at a literal), so a cell must not outlive its row.
using Cell = std::variant<std::monostate, std::string_view, double, std::int64_t>;

struct Column {
  std::string name;
  ColumnType type = ColumnType::Number;
  NullOn null_on = NullOn::ErrorRows;
  // The value where null_on does not apply. May still give null: an ok row
  // that lacks an analyzer's result (never produced by the runners) must
  // not read past its end.
  std::function<Cell(const ScoredRow&)> read;
  // Left out of a JSONL row where null, so that ordinary rows keep their
  // bytes (a camera RAW's `source`); tables still have the column.
  bool optional = false;
  // For grouping bursts and duplicates (the hash, the capture time): only in
  // a grouping schema, and never in the CSV or XMP.
  bool grouping = false;
  // For readers of the HDF5 file (attributes of /scores): an analyzer's
  // field's own (FieldSpec), a fixed column's from column_docs.
  std::string unit = {};
  std::string description = {};
  // Text: the most bytes a value can have (its fixed-length HDF5 column's
  // width); 0 for the file name and path, whose longest the run's file list
  // decides.
  std::size_t max_bytes = 0;
};

// Longest error text a row keeps (longer reasons are cut, with "..."), in
// every output: one line, never pages of a library's trace.
inline constexpr std::size_t kMaxErrorBytes = 255;
// Longest `source` (a camera RAW's "embedded preview" or "demosaiced").
inline constexpr std::size_t kMaxSourceBytes = 32;
// The hash's 16 hex digits; the longest capture time,
// "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM".
inline constexpr std::size_t kHashBytes = 16;
inline constexpr std::size_t kMaxCaptureTimeBytes = 32;

class RowSchema {
 public:
  // The seed's twelve keys first, in the seed's order (filename,
  // quality_score, verdict, then every analyzer's headline figures), then
  // width and height, the analyzers' other figures, path, status and error.
  // With `grouping` (a run that groups bursts and duplicates: --groups,
  // still to come), perceptual_hash and capture_time after source: in the
  // JSONL (so that --resume gets them back) and the HDF5 /scores table,
  // never in the CSV or XMP. Without it they are in no output, so every
  // output keeps its bytes, and a resumed run's kept rows, read back from
  // the JSONL, lack nothing the table would have had.
  explicit RowSchema(std::vector<const AnalyzerSpec*> analyzers, bool grouping = false);

  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<const AnalyzerSpec*>& analyzers() const { return analyzers_; }

  // The row's value in column `i`, null where the column's rule says so.
  Cell cell(const ScoredRow& row, std::size_t i) const;

 private:
  std::vector<const AnalyzerSpec*> analyzers_;
  std::vector<Column> columns_;
};

}  // namespace photoscore
