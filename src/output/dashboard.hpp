#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "output/row_sink.hpp"
#include "output/text_style.hpp"

namespace photoscore {

// The seed's photo dashboard on a terminal: a header, a block per photo and a
// closing summary with counts, the best shots and the throughput. Emoji, box
// drawing and colour only where `style` allows (a UTF-8 terminal); plain
// ASCII in logs and pipes.
class Dashboard final : public RowSink {
 public:
  Dashboard(std::FILE* out, std::vector<const AnalyzerSpec*> analyzers, bool per_photo, std::string jsonl_path,
            std::string h5_path, TextStyle style = {});
  void open(const RunInfo& info) override;
  // Resumed rows count in the summary, but are not shown again.
  void resume(const ScoredRow& row) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  struct Best {
    double score;
    std::string filename;
  };
  std::FILE* out_;
  std::vector<const AnalyzerSpec*> analyzers_;
  bool per_photo_;
  std::string jsonl_path_;
  std::string h5_path_;
  TextStyle style_;
  long post_it_ = 0, maybe_ = 0, delete_ = 0, errors_ = 0;
  std::vector<Best> best_;  // the top few, best first
};

}  // namespace photoscore
