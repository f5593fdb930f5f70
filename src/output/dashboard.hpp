#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"
#include "output/text_style.hpp"
#include "output/verdict_tally.hpp"

namespace photoscore {

// The seed's photo dashboard: a header, a block per photo (when the
// context's per_photo says so) and a closing summary with counts, the best
// shots and the throughput. Emoji, box drawing and colour only where the
// context's style allows (a UTF-8 terminal); plain ASCII in logs and pipes.
// The blocks are formatted where each photo was scored; this sink counts
// and prints; with --groups its summary says how many groups the run found.
class Dashboard final : public FormattingSink {
 public:
  Dashboard(std::FILE* out, const FormatContext& context, std::string jsonl_path, std::string h5_path,
            std::shared_ptr<const RunGrouping> grouping = nullptr);
  void open(const RunInfo& info) override;
  // Resumed rows count in the summary, but are not shown again.
  void resume(const ScoredRow& row) override;
  void append(std::string_view bytes, std::int64_t rows) override;
  void flush() override;
  void close(const RunInfo& info) override;

 private:
  void print_groups(const RunInfo& info) const;

  std::FILE* out_;
  std::string jsonl_path_;
  std::string h5_path_;
  std::shared_ptr<const RunGrouping> grouping_;  // null: the run does not group
  VerdictTally tally_;
};

// What the dashboard counts of a row, then its block when shown.
std::unique_ptr<RowFormatter> make_dashboard_formatter(const FormatContext& context);

}  // namespace photoscore
