#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "output/row_sink.hpp"

namespace photoscore {

// --summary-json FILE: the dashboard's summary for scripts, one JSON object
// written at close: counts per verdict, errors, the best shots, wall time,
// images/s and the options the run was given (see docs/acting.md). Written
// under a temporary name and renamed, so a script never reads half of it.
class SummaryJsonSink final : public RowSink {
 public:
  static constexpr std::size_t kBestShots = 10;
  explicit SummaryJsonSink(std::string path);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  struct Best {
    double score;
    std::string filename;
  };
  std::string path_;
  std::int64_t post_it_ = 0, maybe_ = 0, delete_ = 0, errors_ = 0;
  std::vector<Best> best_;
};

}  // namespace photoscore
