#include "output/run_grouping.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "analysis/perceptual_hash.hpp"
#include "image/capture_time.hpp"

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

RunGrouping::RunGrouping(std::vector<const AnalyzerSpec*> analyzers, GroupingSettings settings)
    : analyzers_(std::move(analyzers)), settings_(settings) {}

std::optional<GroupingPhoto> RunGrouping::photo_of(const ScoredRow& row,
                                                   const std::vector<const AnalyzerSpec*>& analyzers) {
  if (!row.ok) return std::nullopt;
  const auto hash = hash_from_text(row.perceptual_hash);
  if (!hash) return std::nullopt;
  GroupingPhoto p;
  p.hash = *hash;
  if (const auto taken = capture_time_from_text(row.capture_time)) p.capture_us = taken->instant_us();
  p.quality = row.quality_score;
  p.degraded = degraded_row(row, analyzers);
  // Both profiles write these keys (docs/profiles.md): the frames of a group
  // are compared on them.
  p.sharpness = number_of(row, analyzers, "sharpness_score");
  p.brightness = number_of(row, analyzers, "mean_brightness");
  return p;
}

void RunGrouping::clear() {
  rows_ = 0;
  photos_.clear();
  names_.clear();
  groups_.clear();
  current_ = false;
}

void RunGrouping::add(const ScoredRow& row) {
  if (auto p = photo_of(row, analyzers_)) {
    add_photo(*p, row.filename);
  } else {
    skip();
  }
}

void RunGrouping::add_photo(GroupingPhoto photo, std::string filename) {
  photo.order = rows_++;
  photos_.push_back(photo);
  names_.push_back(std::move(filename));
  current_ = false;
}

const std::vector<PhotoGroup>& RunGrouping::groups() const {
  if (!current_) {
    groups_ = group_photos(photos_, settings_);
    current_ = true;
  }
  return groups_;
}

std::int64_t RunGrouping::grouped_photos() const {
  std::int64_t n = 0;
  for (const PhotoGroup& g : groups()) n += static_cast<std::int64_t>(g.members.size());
  return n;
}

std::int64_t RunGrouping::count(GroupKind kind) const {
  const auto& all = groups();
  return std::count_if(all.begin(), all.end(), [&](const PhotoGroup& g) { return g.kind == kind; });
}

// photos_ ascend by order, so a member is found by bisection.
std::size_t RunGrouping::index_of(std::uint64_t order) const {
  const auto it = std::lower_bound(photos_.begin(), photos_.end(), order,
                                   [](const GroupingPhoto& p, std::uint64_t o) { return p.order < o; });
  if (it == photos_.end() || it->order != order)
    throw std::out_of_range("RunGrouping: row " + std::to_string(order) + " is in no group");
  return static_cast<std::size_t>(it - photos_.begin());
}

const std::string& RunGrouping::filename(std::uint64_t order) const { return names_[index_of(order)]; }

}  // namespace photoscore
