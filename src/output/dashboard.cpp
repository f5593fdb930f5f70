#include "output/dashboard.hpp"

#include <algorithm>

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

// ANSI colours for the verdict words: green, yellow, red.
const char* color_of(const std::string& verdict) {
  if (verdict == "post_it") return "\033[32m";
  if (verdict == "maybe") return "\033[33m";
  return "\033[31m";
}
}  // namespace

Dashboard::Dashboard(std::FILE* out, std::vector<const AnalyzerSpec*> analyzers, bool per_photo,
                     std::string jsonl_path, std::string h5_path, TextStyle style)
    : out_(out),
      analyzers_(std::move(analyzers)),
      per_photo_(per_photo),
      jsonl_path_(std::move(jsonl_path)),
      h5_path_(std::move(h5_path)),
      style_(style) {}

void Dashboard::open(const RunInfo& info) {
  std::fprintf(out_, "%sPhoto Quality Dashboard  (photoscore %s, profile %s, %s)\n",
               style_.unicode ? "\U0001F4F8 " : "", info.version.c_str(), info.profile.c_str(), info.plan.c_str());
  std::fprintf(out_, "%s\n", style_.unicode ? kRule : kAsciiRule);
  std::fflush(out_);
}

void Dashboard::resume(const ScoredRow& row) {
  const bool shown = per_photo_;
  per_photo_ = false;
  write(row, ImageTiming{});
  per_photo_ = shown;
}

void Dashboard::write(const ScoredRow& row, const ImageTiming&) {
  if (!row.ok) {
    ++errors_;
    if (per_photo_)
      std::fprintf(out_, "%-32s %serror: %s\n", for_terminal(row.filename).c_str(), style_.unicode ? "\u26A0  " : "",
                   for_terminal(row.error).c_str());
    std::fflush(out_);
    return;
  }
  if (row.verdict == "post_it") ++post_it_;
  else if (row.verdict == "maybe") ++maybe_;
  else ++delete_;
  best_.push_back({row.quality_score, row.filename});
  // Stable: equal scores keep file order, so the summary is the same however the job ran.
  std::stable_sort(best_.begin(), best_.end(), [](const Best& a, const Best& b) { return a.score > b.score; });
  if (best_.size() > kBestShown) best_.resize(kBestShown);
  if (!per_photo_) return;
  const std::string mark = style_.unicode ? std::string(icon(row.verdict)) + " " : "";
  std::fprintf(out_, "%-32s score: %.3f  %s%s%s%s\n", for_terminal(row.filename).c_str(), row.quality_score,
               mark.c_str(), style_.color ? color_of(row.verdict) : "", row.verdict.c_str(),
               style_.color ? "\033[0m" : "");
  std::string line = "   ";
  for (std::size_t i = 0; i < analyzers_.size(); ++i) {
    const AnalyzerSpec& a = *analyzers_[i];
    line += a.name + " " + a.label(row.results[i], a.verdict_field) + " (" + a.figure(row.results[i]) + ")";
    if (i + 1 < analyzers_.size()) line += style_.unicode ? " \u00B7 " : " | ";
  }
  std::fprintf(out_, "%s\n", line.c_str());
  for (std::size_t i = 0; i < analyzers_.size(); ++i) {
    if (analyzers_[i]->name == "sharpness") std::fprintf(out_, "   %s\n", analyzers_[i]->note(row.results[i]).c_str());
  }
  std::fflush(out_);
}

void Dashboard::close(const RunInfo& info) {
  std::fprintf(out_, "%s\n", style_.unicode ? kRule : kAsciiRule);
  if (style_.unicode) {
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
