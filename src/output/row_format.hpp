#pragma once
// A sink's per-row work in two halves, so that the first can run where the
// photo was scored and only the second where the files are. format() turns
// one merged row into bytes, a pure function of the row and of a context
// every process can hold (the analyzers, the widths of the text columns, the
// terminal's style); the sink's append() takes those bytes for consecutive
// rows in file order and writes them. In thread mode the thread that scored
// a photo formats its row; under MPI the rank that scored it does, and rank 0
// only appends whole blocks of rows (docs/scaling.md, "Rank 0"). Every mode
// formats with the same objects, so their bytes cannot differ.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "output/text_style.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

// What a formatting sink makes of a row. Travels between ranks as one byte.
enum class RowFormat : std::uint8_t {
  Jsonl = 1,  // the archive line and its newline
  Csv,        // the CSV record and its CRLF
  H5,         // the fixed-size /scores and /timing/images records (h5_record.hpp)
  Dashboard,  // what the dashboard counts, and its per-photo block when shown
  ErrorLine,  // the stderr line of an error row; nothing for others
  Status,     // one byte: 1 for an ok row, 0 for an error row
  Count,      // nothing: the sink only counts rows
  Row,        // the whole row and its timings (row_codec.hpp), for sinks that act on rows
  Grouping,   // what the run's grouping reads of a row (groups_sink.hpp): hash, time, scores, filename
};
inline constexpr RowFormat kLastRowFormat = RowFormat::Grouping;

// Byte lengths that fixed-size records need and only the run knows: the
// longest file name and path of the run's files (as UTF-8, see as_utf8) and
// the longest list of ranks a photo can name. A run sets them from its file
// list and plan; the defaults hold any name a file system allows.
struct TextWidths {
  std::uint32_t filename = 255;
  std::uint32_t path = 4096;
  std::uint32_t ranks = 64;
};

// Everything a formatter reads besides the row: the same on every rank (the
// rank that writes decides it and sends it to the others).
struct FormatContext {
  std::vector<const AnalyzerSpec*> analyzers;
  TextWidths widths;
  TextStyle style;         // the dashboard's, decided for rank 0's stdout
  bool per_photo = false;  // the dashboard shows a block per photo
  // Added to a runner's row numbers to give a row's place in the whole
  // file list: the rows an earlier run kept (--resume) come first.
  std::int64_t row_offset = 0;
  // When the run began (realtime clock, ns): a photo changed since may have
  // been read before or after the change (the JSONL's .meta says so).
  std::int64_t started_ns = 0;
  // The run groups (--groups): the JSONL and /scores have the grouping
  // schema's columns (RowSchema(analyzers, true)), on every rank alike.
  bool grouping = false;
};

class RowFormatter {
 public:
  virtual ~RowFormatter() = default;
  // Appends the bytes of row `index` (its place in the run's file list) to `out`.
  virtual void format(const ScoredRow& row, const ImageTiming& timing, std::int64_t index,
                      std::string& out) const = 0;
  // Called once the `count` rows of a block are all in `section`: a
  // formatter may lay them out again for its sink, where the photos were
  // scored rather than where the file is written (the JSONL puts the
  // block's lines together, so rank 0 writes them as they came). Sections
  // sealed apart may be joined afterwards (a leader forwards its node's
  // blocks as one), so a sink reads a section as one or more sealed pieces.
  virtual void seal(std::string& /*section*/, std::int64_t /*count*/) const {}
};

std::unique_ptr<RowFormatter> make_row_formatter(RowFormat format, const FormatContext& context);

// The context of a caller without a run (tests, one-off uses): these
// analyzers, widths that hold any name, no style, started now.
FormatContext default_context(std::vector<const AnalyzerSpec*> analyzers);

// The formats of a run's sinks and their context, as bytes: what rank 0
// sends the ranks that format rows. decode_format_plan throws
// std::runtime_error on bytes it cannot read.
struct FormatPlan {
  std::vector<RowFormat> formats;
  TextWidths widths;
  TextStyle style;
  bool per_photo = false;
  std::int64_t row_offset = 0;
  std::int64_t started_ns = 0;
  bool grouping = false;
};
std::string encode_format_plan(const FormatPlan& plan);
FormatPlan decode_format_plan(const std::string& bytes);
FormatPlan plan_of(const std::vector<RowFormat>& formats, const FormatContext& context);
FormatContext context_of(const FormatPlan& plan, std::vector<const AnalyzerSpec*> analyzers);

}  // namespace photoscore
