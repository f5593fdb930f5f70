#include "output/groups_sink.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "analysis/perceptual_hash.hpp"
#include "image/capture_time.hpp"
#include "output/partial_file.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

// Field `name` of any analyzer in the row, null when none has it.
const FieldValue* field_of(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers,
                           std::string_view name) {
  for (std::size_t a = 0; a < analyzers.size() && a < row.results.size(); ++a) {
    const auto& fields = analyzers[a]->fields;
    for (std::size_t f = 0; f < fields.size() && f < row.results[a].values.size(); ++f) {
      if (fields[f].name == name) return &row.results[a].values[f];
    }
  }
  return nullptr;
}

// Its text, "" when it has none.
std::string_view label_of(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers,
                          std::string_view name) {
  const FieldValue* v = field_of(row, analyzers, name);
  const auto* s = v ? std::get_if<std::string>(v) : nullptr;
  return s ? std::string_view(*s) : std::string_view();
}

// Its number, NaN when it has none.
float number_of(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers,
                std::string_view name) {
  const FieldValue* v = field_of(row, analyzers, name);
  const auto* d = v ? std::get_if<double>(v) : nullptr;
  return d ? static_cast<float>(*d) : std::numeric_limits<float>::quiet_NaN();
}

}  // namespace

bool degraded_row(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers) {
  const std::string_view exposure = label_of(row, analyzers, "exposure_verdict");
  return label_of(row, analyzers, "sharpness_verdict") == "blurry" || exposure == "dark" ||
         exposure == "clipped";
}

GroupsSink::GroupsSink(std::string path, std::vector<const AnalyzerSpec*> analyzers,
                       GroupingSettings settings)
    : path_(std::move(path)), analyzers_(std::move(analyzers)), settings_(settings) {
  if (path_.empty()) throw std::runtime_error("cannot write the groups: no file named");
  check_can_create(path_);
}

void GroupsSink::open(const RunInfo&) {
  rows_ = 0;
  photos_.clear();
  names_.clear();
}

void GroupsSink::write(const ScoredRow& row, const ImageTiming&) {
  const std::uint64_t order = rows_++;
  if (!row.ok) return;
  const auto hash = hash_from_text(row.perceptual_hash);
  if (!hash) return;
  GroupingPhoto p;
  p.order = order;
  p.hash = *hash;
  if (const auto taken = capture_time_from_text(row.capture_time)) p.capture_us = taken->instant_us();
  p.quality = row.quality_score;
  p.degraded = degraded_row(row, analyzers_);
  // Both profiles write these keys (docs/profiles.md): the frames of a group
  // are compared on them.
  p.sharpness = number_of(row, analyzers_, "sharpness_score");
  p.brightness = number_of(row, analyzers_, "mean_brightness");
  photos_.push_back(p);
  names_.push_back(row.filename);
}

std::string GroupsSink::text() const {
  using json = nlohmann::ordered_json;
  const std::vector<PhotoGroup> groups = group_photos(photos_, settings_);
  // photos_ ascend by order, so a member's name is found by bisection.
  const auto name_of = [&](std::uint64_t order) -> const std::string& {
    const auto it = std::lower_bound(photos_.begin(), photos_.end(), order,
                                     [](const GroupingPhoto& p, std::uint64_t o) { return p.order < o; });
    return names_[static_cast<std::size_t>(it - photos_.begin())];
  };
  std::string out;
  for (const PhotoGroup& g : groups) {
    json members = json::array();
    // The names as the JSONL rows give them (as_utf8: invalid UTF-8
    // escaped reversibly), so a group's members are found among the rows.
    for (const std::uint64_t m : g.members) members.push_back(as_utf8(name_of(m)));
    const json line = {
        {"kind", group_kind_name(g.kind)}, {"members", members}, {"best", as_utf8(name_of(g.best))}};
    out += line.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void GroupsSink::close(const RunInfo&) { write_whole_file(path_, text()); }

}  // namespace photoscore
