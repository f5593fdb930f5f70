#include "output/error_log.hpp"

#include "output/utf8.hpp"

namespace photoscore {

namespace {

class ErrorLineFormatter final : public RowFormatter {
 public:
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    if (row.ok) return;
    // Names reach a terminal: a newline or ESC in one must not.
    out += "photoscore: " + for_terminal(row.path) + ": " + for_terminal(row.error) + "\n";
  }
};

}  // namespace

std::unique_ptr<RowFormatter> make_error_line_formatter() { return std::make_unique<ErrorLineFormatter>(); }

void ErrorLog::append(std::string_view lines, std::int64_t) {
  if (!lines.empty()) std::fwrite(lines.data(), 1, lines.size(), out_);
}

}  // namespace photoscore
