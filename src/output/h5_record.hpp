#pragma once
// The rows of /scores and /timing/images as fixed-size records, laid out
// exactly as the HDF5 file stores them: packed, little-endian numbers and
// fixed-length, null-padded UTF-8 strings. A record is therefore plain bytes
// that any rank can make and the writing rank copies into a chunk as it is,
// with no per-row conversion (variable-length strings cost HDF5 a heap
// object each: about 0.3 us a string, several a row, on the one rank that
// writes). Text columns are as wide as their longest possible value: file
// names and paths from the run's file list, labels from the analyzers'
// declared labels, errors at most kMaxErrorBytes (row_schema.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "output/row_format.hpp"
#include "output/row_schema.hpp"

namespace photoscore {

struct H5Field {
  enum class Kind { F64, I32, I64, Str };
  std::string name;
  Kind kind = Kind::F64;
  std::size_t offset = 0;  // bytes from the record's start
  std::size_t size = 0;    // bytes: 8, 4, or the string's width
};

class H5RecordLayout {
 public:
  void add(std::string name, H5Field::Kind kind, std::size_t string_width = 0);
  const std::vector<H5Field>& fields() const { return fields_; }
  std::size_t size() const { return size_; }

 private:
  std::vector<H5Field> fields_;
  std::size_t size_ = 0;
};

// /scores: RowSchema's columns in order.
H5RecordLayout scores_layout(const RowSchema& schema, const TextWidths& widths);
// /timing/images: index, filename, ranks, read, decode, analyze_<name>..., latency.
H5RecordLayout images_layout(const std::vector<const AnalyzerSpec*>& analyzers, const TextWidths& widths);

// Writes a row's record at `out` (layout.size() bytes). Text longer than its
// column (never for the widths above, but a record must never overflow) is
// cut at a character boundary.
void put_scores_record(const H5RecordLayout& layout, const RowSchema& schema, const ScoredRow& row, char* out);
void put_images_record(const H5RecordLayout& layout, const ScoredRow& row, const ImageTiming& timing,
                       std::int64_t index, char* out);

// The text of a list of ranks, "1,2,3", as /timing/images stores it.
std::string ranks_text(const std::vector<int>& ranks);

}  // namespace photoscore
