#pragma once
// --groups FILE (docs/groups.md): bursts and near-duplicates among the run's
// rows, one JSON line per group of two or more photos, groups in the order
// of their first member:
//   {"kind":"burst","members":["IMG_0001.JPG","IMG_0002.JPG"],"best":"IMG_0002.JPG"}
// It feeds the run's RunGrouping every row (rows come in file order, kept
// rows of a resumed run first) and at close writes the file whole under a
// temporary name; the other sinks that show groups read the same
// RunGrouping. Error rows and rows without a hash take no part.
//
// A formatting sink (RowFormat::Grouping): where a row is scored, it becomes
// the 34 bytes the grouping reads (hash, capture time, quality, sharpness,
// brightness, degraded) and its filename, so rank 0 is not sent whole rows
// for it.
#include <memory>
#include <string>
#include <vector>

#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"

namespace photoscore {

class GroupsSink final : public FormattingSink {
 public:
  GroupsSink(std::string path, const FormatContext& context, std::shared_ptr<RunGrouping> grouping);
  // With the default context and a grouping of its own (tests, one-off uses).
  GroupsSink(std::string path, std::vector<const AnalyzerSpec*> analyzers, GroupingSettings settings);
  void open(const RunInfo& info) override;
  void append(std::string_view bytes, std::int64_t rows) override;
  void close(const RunInfo& info) override;

  // The file's text for the rows written so far (close() writes it).
  std::string text() const;

 private:
  std::string path_;
  std::shared_ptr<RunGrouping> grouping_;
};

// A row as the grouping reads it: one byte (1: it takes part), then for
// those that do the GroupingPhoto's fields and the filename.
std::unique_ptr<RowFormatter> make_grouping_formatter(const FormatContext& context);

}  // namespace photoscore
