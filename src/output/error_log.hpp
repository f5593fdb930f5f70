#pragma once
#include <cstdio>

#include "output/row_sink.hpp"

namespace photoscore {

// One line on stderr for every file that could not be scored, as its row is
// written: "photoscore: bad/empty.jpg: empty file".
class ErrorLog final : public RowSink {
 public:
  explicit ErrorLog(std::FILE* out) : out_(out) {}
  // A kept error row had its line in the run that scored it.
  void resume(const ScoredRow&) override {}
  void write(const ScoredRow& row, const ImageTiming& timing) override;

 private:
  std::FILE* out_;
};

}  // namespace photoscore
