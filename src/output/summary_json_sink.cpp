#include "output/summary_json_sink.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/partial_file.hpp"

namespace photoscore {

SummaryJsonSink::SummaryJsonSink(std::string path, std::shared_ptr<const RunGrouping> grouping)
    : path_(std::move(path)), grouping_(std::move(grouping)) {
  if (path_.empty()) throw std::runtime_error("cannot write the summary: no file named");
  check_can_create(path_);
}

void SummaryJsonSink::open(const RunInfo&) { tally_.clear(); }

void SummaryJsonSink::write(const ScoredRow& row, const ImageTiming&) {
  tally_.add(row.ok ? row.verdict : Verdict::Error, row.quality_score, row.filename);
}

void SummaryJsonSink::close(const RunInfo& info) {
  using json = nlohmann::ordered_json;
  json best = json::array();
  for (const VerdictTally::Shot& b : tally_.best())
    best.push_back({{"filename", b.filename}, {"quality_score", b.score}});
  json counts = json::object();
  for (Verdict v : {Verdict::PostIt, Verdict::Maybe, Verdict::Delete})
    counts[std::string(verdict_name(v))] = tally_.count(v);
  json summary = {
      {"photoscore", info.version},
      {"git_hash", info.git_hash},
      {"input_dir", info.input_dir},
      {"images", info.images},
      {"counts", counts},
      {"errors", tally_.count(Verdict::Error)},
      {"skipped", info.skipped},
      {"skipped_folders", info.skipped_folders},
      {"warnings", info.warnings},
      {"best_shots", best},
      {"start_time", info.start_time},
      {"end_time", info.end_time},
      {"wall_seconds", info.wall_seconds},
      {"images_per_second",
       info.wall_seconds > 0 ? static_cast<double>(info.images) / info.wall_seconds : 0.0},
      {"options",
       {{"command_line", info.command_line},
        {"mode", std::string(to_string(info.mode))},
        {"layout", std::string(to_string(info.layout))},
        {"ranks", info.ranks},
        {"threads_per_rank", info.threads_per_rank},
        {"profile", info.profile},
        {"analyzers", info.analyzers},
        {"weights", info.weights},
        {"thresholds", {{"post_it_above", info.post_it_above}, {"maybe_above", info.maybe_above}}},
        {"shard", info.shard}}},
  };
  if (grouping_) {
    // Last, and only in a run that groups: other runs' summaries keep
    // their keys.
    summary["groups"] = {{"file", info.groups},
                         {"groups", grouping_->groups().size()},
                         {"bursts", grouping_->count(GroupKind::burst)},
                         {"duplicates", grouping_->count(GroupKind::duplicate)},
                         {"photos_in_groups", grouping_->grouped_photos()}};
  }
  // Invalid UTF-8 in a file name becomes U+FFFD, as in the JSONL.
  const std::string text = summary.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  write_whole_file(path_, text);
}

}  // namespace photoscore
