#include "output/dashboard.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "output/utf8.hpp"

namespace photoscore {

namespace {
constexpr const char* kRule = "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500";
constexpr std::size_t kBestShown = 3;

constexpr const char* kAsciiRule = "--------------------------------------------------------";

const char* icon(const std::string& verdict) {
  if (verdict == "post_it") return "\u2705";
  if (verdict == "maybe") return "\U0001F914";
  return "\U0001F5D1 ";
}

// The analyzers' notes have dashes (en and em) that are not ASCII: a log in
// ASCII gets hyphens.
std::string ascii_dashes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "\u2014") == 0 || text.compare(i, 3, "\u2013") == 0) {
      out += '-';
      i += 3;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// ANSI colours for the verdict words: green, yellow, red.
const char* color_of(const std::string& verdict) {
  if (verdict == "post_it") return "\033[32m";
  if (verdict == "maybe") return "\033[33m";
  return "\033[31m";
}

// A row's bytes: ok (u8), verdict (u8: 0 post_it, 1 maybe, 2 delete),
// quality score (f64), the file name (u32 length, bytes), the block shown
// for it (u32 length, bytes; empty unless per photo).
int verdict_code(const std::string& verdict) {
  if (verdict == "post_it") return 0;
  if (verdict == "maybe") return 1;
  return 2;
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(std::string_view bytes, std::size_t& at) {
  if (bytes.size() - at < sizeof(T)) throw std::runtime_error("malformed dashboard rows");
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

std::string_view get_text(std::string_view bytes, std::size_t& at) {
  const auto n = get<std::uint32_t>(bytes, at);
  if (bytes.size() - at < n) throw std::runtime_error("malformed dashboard rows");
  const std::string_view text = bytes.substr(at, n);
  at += n;
  return text;
}

class DashboardFormatter final : public RowFormatter {
 public:
  explicit DashboardFormatter(const FormatContext& context) : context_(context) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    put(out, static_cast<std::uint8_t>(row.ok));
    put(out, static_cast<std::uint8_t>(row.ok ? verdict_code(row.verdict) : 0));
    put(out, row.quality_score);
    put(out, static_cast<std::uint32_t>(row.filename.size()));
    out += row.filename;
    const std::string block = context_.per_photo ? shown(row) : std::string();
    put(out, static_cast<std::uint32_t>(block.size()));
    out += block;
  }

 private:
  std::string shown(const ScoredRow& row) const {
    const TextStyle& style = context_.style;
    // The name as printf's "%-32s" would print it, without its length limit.
    std::string text = for_terminal(row.filename);
    if (text.size() < 32) text.append(32 - text.size(), ' ');
    if (!row.ok) return text + " " + (style.unicode ? "\u26A0  " : "") + "error: " + for_terminal(row.error) + "\n";
    char score[32];
    std::snprintf(score, sizeof score, "%.3f", row.quality_score);
    const std::string mark = style.unicode ? std::string(icon(row.verdict)) + " " : "";
    text += std::string(" score: ") + score + "  " + mark + (style.color ? color_of(row.verdict) : "") + row.verdict +
            (style.color ? "\033[0m" : "") + "\n";
    text += "   ";
    const auto& analyzers = context_.analyzers;
    for (std::size_t i = 0; i < analyzers.size(); ++i) {
      const AnalyzerSpec& a = *analyzers[i];
      text += a.name + " " + a.label(row.results[i], a.verdict_field) + " (" + a.figure(row.results[i]) + ")";
      if (i + 1 < analyzers.size()) text += style.unicode ? " \u00B7 " : " | ";
    }
    text += "\n";
    for (std::size_t i = 0; i < analyzers.size(); ++i) {
      if (analyzers[i]->name == "sharpness") text += "   " + analyzers[i]->note(row.results[i]) + "\n";
    }
    // The notes' dashes are not ASCII.
    return style.unicode ? text : ascii_dashes(text);
  }

  FormatContext context_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_dashboard_formatter(const FormatContext& context) {
  return std::make_unique<DashboardFormatter>(context);
}

Dashboard::Dashboard(std::FILE* out, const FormatContext& context, std::string jsonl_path, std::string h5_path)
    : FormattingSink(RowFormat::Dashboard, context),
      out_(out),
      jsonl_path_(std::move(jsonl_path)),
      h5_path_(std::move(h5_path)) {}

void Dashboard::open(const RunInfo& info) {
  const TextStyle& style = context().style;
  std::fprintf(out_, "%sPhoto Quality Dashboard  (photoscore %s, profile %s, %s)\n",
               style.unicode ? "\U0001F4F8 " : "", info.version.c_str(), info.profile.c_str(), info.plan.c_str());
  std::fprintf(out_, "%s\n", style.unicode ? kRule : kAsciiRule);
  std::fflush(out_);
}

void Dashboard::resume(const ScoredRow& row) {
  count(row.ok, row.ok ? verdict_code(row.verdict) : 0, row.quality_score, row.filename);
}

void Dashboard::count(bool ok, int verdict, double score, std::string_view filename) {
  if (!ok) {
    ++errors_;
    return;
  }
  if (verdict == 0) ++post_it_;
  else if (verdict == 1) ++maybe_;
  else ++delete_;
  // Strictly better than the last kept: equal scores keep file order, so the
  // summary is the same however the job ran.
  if (best_.size() >= kBestShown && !(score > best_.back().score)) return;
  auto at = std::upper_bound(best_.begin(), best_.end(), score, [](double s, const Best& b) { return s > b.score; });
  best_.insert(at, {score, std::string(filename)});
  if (best_.size() > kBestShown) best_.pop_back();
}

void Dashboard::append(std::string_view bytes, std::int64_t rows) {
  std::size_t at = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const bool ok = get<std::uint8_t>(bytes, at) != 0;
    const int verdict = get<std::uint8_t>(bytes, at);
    const double score = get<double>(bytes, at);
    const std::string_view filename = get_text(bytes, at);
    const std::string_view block = get_text(bytes, at);
    count(ok, verdict, score, filename);
    if (!block.empty()) std::fwrite(block.data(), 1, block.size(), out_);
  }
  if (at != bytes.size()) throw std::runtime_error("malformed dashboard rows");
}

void Dashboard::flush() { std::fflush(out_); }

void Dashboard::close(const RunInfo& info) {
  const TextStyle& style = context().style;
  std::fprintf(out_, "%s\n", style.unicode ? kRule : kAsciiRule);
  if (style.unicode) {
    std::fprintf(out_, "%lld photos: %ld \u2705 post_it, %ld \U0001F914 maybe, %ld \U0001F5D1  delete, %ld \u26A0  errors\n",
                 static_cast<long long>(info.images), post_it_, maybe_, delete_, errors_);
  } else {
    std::fprintf(out_, "%lld photo%s: %ld post_it, %ld maybe, %ld delete, %ld error%s\n",
                 static_cast<long long>(info.images), info.images == 1 ? "" : "s", post_it_, maybe_, delete_, errors_,
                 errors_ == 1 ? "" : "s");
  }
  if (!best_.empty()) {
    std::fprintf(out_, "Best shots:");
    for (const Best& b : best_) std::fprintf(out_, "  %s (%.3f)", for_terminal(b.filename).c_str(), b.score);
    std::fprintf(out_, "\n");
  }
  if (info.skipped > 0) {
    std::fprintf(out_, "Skipped by extension: %lld file%s (%s)\n", static_cast<long long>(info.skipped),
                 info.skipped == 1 ? "" : "s", info.skipped_by_extension.c_str());
  }
  if (info.skipped_folders > 0) {
    std::fprintf(out_, "Folders not listed: %lld (named on stderr; their photos are not scored)\n",
                 static_cast<long long>(info.skipped_folders));
  }
  if (info.warnings > 0) {
    std::fprintf(
        out_, "Warnings: %lld sidecar%s or link%s not made (named on stderr; the photos are scored)\n",
        static_cast<long long>(info.warnings), info.warnings == 1 ? "" : "s", info.warnings == 1 ? "" : "s");
  }
  const double rate = info.wall_seconds > 0 ? static_cast<double>(info.images) / info.wall_seconds : 0.0;
  std::fprintf(out_, "Elapsed %.2f s, %.1f images/s (profile %s)\n", info.wall_seconds, rate, info.profile.c_str());
  std::fprintf(out_, "Results saved to %s and %s\n", for_terminal(jsonl_path_).c_str(), for_terminal(h5_path_).c_str());
  std::fflush(out_);
}

}  // namespace photoscore
