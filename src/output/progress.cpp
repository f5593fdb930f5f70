#include "output/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <functional>

namespace photoscore {

namespace {

// 100000 -> "100,000": totals of a big job are read at a glance.
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const std::size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i >= first && (i - first) % 3 == 0 && digits[i] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration(double seconds) {
  const long s = std::lround(seconds);
  char text[32];
  if (s < 60)
    std::snprintf(text, sizeof text, "%ld s", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%ld min %02ld s", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ld h %02ld min", s / 3600, s / 60 % 60);
  return text;
}

// The progress line must go before the sinks that print to the terminal and
// be drawn again after them.
class Eraser final : public FormattingSink {
 public:
  Eraser(std::function<void()> erase, bool every_row)
      : FormattingSink(RowFormat::Status, FormatContext{}), erase_(std::move(erase)), every_row_(every_row) {}
  // Nothing is printed for a kept row.
  void resume(const ScoredRow&) override {}
  void append(std::string_view status, std::int64_t rows) override {
    if ((every_row_ && rows > 0) || status.find('\0') != std::string_view::npos) erase_();
  }
  void close(const RunInfo&) override { erase_(); }

 private:
  std::function<void()> erase_;
  bool every_row_;
};

class StatusFormatter final : public RowFormatter {
 public:
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    out += row.ok ? '\1' : '\0';
  }
};

class CountFormatter final : public RowFormatter {
 public:
  void format(const ScoredRow&, const ImageTiming&, std::int64_t, std::string&) const override {}
};

}  // namespace

std::unique_ptr<RowFormatter> make_status_formatter() { return std::make_unique<StatusFormatter>(); }
std::unique_ptr<RowFormatter> make_count_formatter() { return std::make_unique<CountFormatter>(); }

bool is_terminal(std::FILE* out) { return out && isatty(fileno(out)) == 1; }

ProgressSink::ProgressSink(std::FILE* out, bool terminal, double interval_seconds)
    : FormattingSink(RowFormat::Count, FormatContext{}), out_(out), terminal_(terminal), interval_(interval_seconds) {}

std::string ProgressSink::line(std::int64_t done, std::int64_t total, double seconds) {
  std::string text = grouped(done);
  if (total > 0) {
    char percent[32];
    std::snprintf(percent, sizeof percent, " (%.1f %%)",
                  100.0 * static_cast<double>(done) / static_cast<double>(total));
    text += "/" + grouped(total) + " photos" + percent;
  } else {
    text += done == 1 ? " photo" : " photos";
  }
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  char speed[48];
  std::snprintf(speed, sizeof speed, ", %.1f images/s", rate);
  text += speed;
  if (total > 0 && done < total && rate > 0)
    text += ", ETA " + duration(static_cast<double>(total - done) / rate);
  text += ", elapsed " + duration(seconds);
  return text;
}

void ProgressSink::open(const RunInfo& info) {
  total_ = info.total;
  done_ = 0;
  start_ = Clock::now();
  last_ = 0.0;
  latest_ = 0.0;
  drawn_ = printed_ = false;
}

void ProgressSink::append(std::string_view, std::int64_t rows) {
  done_ += rows;
  const double now = std::chrono::duration<double>(Clock::now() - start_).count();
  latest_ = now;
  // Throttled by time, not by count: a fast run must not spend its time
  // printing, a slow one must still show it is alive.
  const bool due = terminal_ ? !drawn_ || now - last_ >= 0.1 || done_ == total_ : now - last_ >= interval_;
  if (!due) return;
  last_ = now;
  draw(now);
}

void ProgressSink::draw(double seconds) {
  const std::string text = line(done_, total_, seconds);
  if (terminal_) {
    // Over the last line: a shorter one pads with blanks. Carriage returns
    // and blanks, not ANSI erase codes, so any terminal (TERM=dumb too)
    // shows it and --color never holds no escape code.
    const std::size_t pad = drawn_ && drawn_width_ > text.size() ? drawn_width_ - text.size() : 0;
    std::fprintf(out_, "\r%s%*s", text.c_str(), static_cast<int>(pad), "");
    drawn_width_ = text.size() + pad;
    drawn_ = true;
  } else {
    std::fprintf(out_, "photoscore: progress %s\n", text.c_str());
    printed_ = true;
  }
  std::fflush(out_);
}

void ProgressSink::erase() {
  if (!drawn_) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(drawn_width_), "");
  std::fflush(out_);
  drawn_ = false;
}

void ProgressSink::close(const RunInfo&) {
  // The terminal line goes: the summary says the same. A batch log that
  // had progress lines gets the last one, so it ends at done = total, timed
  // at the last row (not after the report's thumbnails, made at close).
  if (terminal_) {
    erase();
  } else if (printed_ && last_ < latest_) {
    draw(latest_);
  }
}

std::unique_ptr<RowSink> ProgressSink::eraser(bool every_row) {
  return std::make_unique<Eraser>([this] { erase(); }, every_row);
}

}  // namespace photoscore
