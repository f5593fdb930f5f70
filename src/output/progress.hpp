#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "image/clock.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// Progress on stderr: done/total, images per second and the time left.
// On a person's terminal one line is redrawn in place (at most ten times a
// second); in a batch log (not a terminal, or one under mpirun) a plain
// line every `interval` seconds, so a log of a long job shows it is alive
// without one line per photo. Gets the total from RunInfo::total at open.
class ProgressSink final : public FormattingSink {
 public:
  ProgressSink(std::FILE* out, bool terminal, double interval_seconds);
  void open(const RunInfo& info) override;
  // Counts the photos this run scores, not the ones kept.
  void resume(const ScoredRow&) override {}
  void append(std::string_view bytes, std::int64_t rows) override;
  void close(const RunInfo& info) override;

  // A sink to put before any other that prints to the same terminal (the
  // dashboard, the error lines): it erases the progress line, which the
  // progress sink redraws after them, so their lines do not start mid-line.
  // `every_row`: the dashboard prints a block per photo; otherwise only
  // error rows (their line on stderr) and the summary need the line gone,
  // and the throttled line is left alone in between.
  std::unique_ptr<RowSink> eraser(bool every_row);

  // The line itself, without a newline: "120/1,000 photos (12.0 %), 35.2
  // images/s, ETA 25 s". Public for the tests.
  static std::string line(std::int64_t done, std::int64_t total, double seconds);

 private:
  void erase();
  void draw(double seconds);

  std::FILE* out_;
  bool terminal_;
  double interval_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
  Clock::time_point start_;
  double last_ = 0.0;
  double latest_ = 0.0;   // when the last row came: the final line's time
  bool drawn_ = false;    // a terminal line is showing
  std::size_t drawn_width_ = 0;  // its width, blanked by erase()
  bool printed_ = false;  // a batch line was printed
};

// One byte a row, 1 ok and 0 error (the eraser's); nothing (the progress
// sink only counts).
std::unique_ptr<RowFormatter> make_status_formatter();
std::unique_ptr<RowFormatter> make_count_formatter();

// Whether `out` is a terminal.
bool is_terminal(std::FILE* out);

}  // namespace photoscore
