#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "output/row_schema.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The archive: one JSON line per photo, flushed as soon as it is merged, so
// an interrupted job leaves a valid file of everything it finished.
class JsonlSink final : public RowSink {
 public:
  JsonlSink(std::string path, std::vector<const AnalyzerSpec*> analyzers);
  ~JsonlSink() override;
  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  std::string path_;
  RowSchema schema_;
  std::FILE* file_ = nullptr;
};

}  // namespace photoscore
