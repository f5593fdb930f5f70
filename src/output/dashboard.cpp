#include "output/dashboard.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "output/utf8.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {
constexpr const char* kRule = "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
                              "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500";
constexpr std::size_t kBestShown = 3;

constexpr const char* kAsciiRule = "--------------------------------------------------------";

const char* icon(Verdict verdict) {
  if (verdict == Verdict::PostIt) return "\u2705";
  if (verdict == Verdict::Maybe) return "\U0001F914";
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
const char* color_of(Verdict verdict) {
  if (verdict == Verdict::PostIt) return "\033[32m";
  if (verdict == Verdict::Maybe) return "\033[33m";
  return "\033[31m";
}

// A row's place among the verdicts: Error for a file that was not scored.
Verdict tallied(const ScoredRow& row) { return row.ok ? row.verdict : Verdict::Error; }

// A row's bytes: its verdict (u8, Verdict), quality score (f64), the file
// name (u32 length, bytes), the block shown for it (u32 length, bytes;
// empty unless per photo).

constexpr const char* kMalformed = "malformed dashboard rows";

class DashboardFormatter final : public RowFormatter {
 public:
  explicit DashboardFormatter(const FormatContext& context) : context_(context) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    put_field(out, static_cast<std::uint8_t>(tallied(row)));
    put_field(out, row.quality_score);
    put_text_field(out, row.filename);
    put_text_field(out, context_.per_photo ? shown(row) : std::string());
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
    text += std::string(" score: ") + score + "  " + mark + (style.color ? color_of(row.verdict) : "") +
            std::string(verdict_name(row.verdict)) + (style.color ? "\033[0m" : "") + "\n";
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

Dashboard::Dashboard(std::FILE* out, const FormatContext& context, std::string jsonl_path,
                     std::string h5_path, std::shared_ptr<const RunGrouping> grouping)
    : FormattingSink(RowFormat::Dashboard, context),
      out_(out),
      jsonl_path_(std::move(jsonl_path)),
      h5_path_(std::move(h5_path)),
      grouping_(std::move(grouping)),
      tally_(kBestShown) {}

void Dashboard::open(const RunInfo& info) {
  const TextStyle& style = context().style;
  std::fprintf(out_, "%sPhoto Quality Dashboard  (photoscore %s, profile %s, %s)\n",
               style.unicode ? "\U0001F4F8 " : "", info.version.c_str(), info.profile.c_str(), info.plan.c_str());
  std::fprintf(out_, "%s\n", style.unicode ? kRule : kAsciiRule);
  std::fflush(out_);
}

void Dashboard::resume(const ScoredRow& row) { tally_.add(tallied(row), row.quality_score, row.filename); }

void Dashboard::append(std::string_view bytes, std::int64_t rows) {
  std::size_t at = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto verdict = get_field<std::uint8_t>(bytes, at, kMalformed);
    if (verdict >= kVerdicts.size()) throw std::runtime_error(kMalformed);
    const double score = get_field<double>(bytes, at, kMalformed);
    const std::string_view filename = get_text_view_field(bytes, at, kMalformed);
    const std::string_view block = get_text_view_field(bytes, at, kMalformed);
    tally_.add(static_cast<Verdict>(verdict), score, filename);
    if (!block.empty()) std::fwrite(block.data(), 1, block.size(), out_);
  }
  if (at != bytes.size()) throw std::runtime_error(kMalformed);
}

void Dashboard::flush() { std::fflush(out_); }

void Dashboard::print_groups(const RunInfo& info) const {
  const long groups = static_cast<long>(grouping_->groups().size());
  const long bursts = static_cast<long>(grouping_->count(GroupKind::burst));
  const long duplicates = static_cast<long>(grouping_->count(GroupKind::duplicate));
  const long photos = static_cast<long>(grouping_->grouped_photos());
  std::fprintf(
      out_, "Groups: %ld (%ld burst%s, %ld duplicate group%s) holding %ld photo%s; each group's best in %s\n",
      groups, bursts, bursts == 1 ? "" : "s", duplicates, duplicates == 1 ? "" : "s", photos,
      photos == 1 ? "" : "s", for_terminal(info.groups).c_str());
}

void Dashboard::close(const RunInfo& info) {
  const TextStyle& style = context().style;
  std::fprintf(out_, "%s\n", style.unicode ? kRule : kAsciiRule);
  const long post_it = static_cast<long>(tally_.count(Verdict::PostIt));
  const long maybe = static_cast<long>(tally_.count(Verdict::Maybe));
  const long deleted = static_cast<long>(tally_.count(Verdict::Delete));
  const long errors = static_cast<long>(tally_.count(Verdict::Error));
  if (style.unicode) {
    std::fprintf(
        out_,
        "%lld photo%s: %ld \u2705 post_it, %ld \U0001F914 maybe, %ld \U0001F5D1  delete, %ld \u26A0  error%s\n",
        static_cast<long long>(info.images), info.images == 1 ? "" : "s", post_it, maybe, deleted, errors,
        errors == 1 ? "" : "s");
  } else {
    std::fprintf(out_, "%lld photo%s: %ld post_it, %ld maybe, %ld delete, %ld error%s\n",
                 static_cast<long long>(info.images), info.images == 1 ? "" : "s", post_it, maybe, deleted,
                 errors, errors == 1 ? "" : "s");
  }
  if (!tally_.best().empty()) {
    std::fprintf(out_, "Best shots:");
    for (const VerdictTally::Shot& b : tally_.best())
      std::fprintf(out_, "  %s (%.3f)", for_terminal(b.filename).c_str(), b.score);
    std::fprintf(out_, "\n");
  }
  if (grouping_) print_groups(info);
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
