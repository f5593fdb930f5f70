#pragma once
#include <cstdio>

#include "output/row_sink.hpp"

namespace photoscore {

// One line on stderr for every file that could not be scored, as its row is
// written: "photoscore: bad/empty.jpg: empty file".
class ErrorLog final : public FormattingSink {
 public:
  explicit ErrorLog(std::FILE* out) : FormattingSink(RowFormat::ErrorLine, FormatContext{}), out_(out) {}
  // A kept error row had its line in the run that scored it.
  void resume(const ScoredRow&) override {}
  void append(std::string_view lines, std::int64_t rows) override;

 private:
  std::FILE* out_;
};

// An error row's line; nothing for an ok row.
std::unique_ptr<RowFormatter> make_error_line_formatter();

}  // namespace photoscore
