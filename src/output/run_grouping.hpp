#pragma once
// The run's bursts and near-duplicates (docs/groups.md), worked out once, at
// the end of the run, where the rows arrive in file order (the writing rank):
// the groups file, HDF5 /groups, the summary, the dashboard, --link-into
// and the report all read this one answer, none groups on its own.
//
// The groups file's sink feeds it every row (kept rows of a resumed run
// first), as the few bytes of a row the grouping reads (made where the row
// was scored, so rank 0 takes no whole rows for it); it keeps 8 bytes of
// hash, 8 of capture time, the scores the best is picked by and the file
// name of each ok row with a hash, and groups them (group/) at the first
// groups() after the last row.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "group/photo_groups.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

// A frame never picked as a group's best while a good one exists: its
// sharpness analyzer says "blurry", or its exposure analyzer "dark" or
// "clipped" (the seed's and the calibrated profile's words alike).
bool degraded_row(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers);

class RunGrouping {
 public:
  RunGrouping(std::vector<const AnalyzerSpec*> analyzers, GroupingSettings settings);

  // What the grouping reads of a row (`order` left 0), none for an error
  // row or a row without a hash, which take no part.
  static std::optional<GroupingPhoto> photo_of(const ScoredRow& row,
                                               const std::vector<const AnalyzerSpec*>& analyzers);

  // Forgets the rows (a sink's open()).
  void clear();
  // The next row in file order (a member's `order` is its row's index in the
  // JSONL and /scores): add() a row, or add_photo() what photo_of() made of
  // it and its filename, or skip() one that takes no part.
  void add(const ScoredRow& row);
  void add_photo(GroupingPhoto photo, std::string filename);
  void skip() { ++rows_; }

  // The groups of the rows added so far (group_photos' answer: members in
  // file order, groups in the order of their first member), worked out at
  // the first call after the last add().
  const std::vector<PhotoGroup>& groups() const;
  // Photos in groups, all groups together.
  std::int64_t grouped_photos() const;
  std::int64_t count(GroupKind kind) const;
  // A member's row (its `order`): the row's filename (as the row holds it).
  // Throws std::out_of_range for a row that was not added or took no part.
  const std::string& filename(std::uint64_t order) const;
  std::uint64_t rows() const { return rows_; }
  const GroupingSettings& settings() const { return settings_; }

 private:
  std::size_t index_of(std::uint64_t order) const;

  std::vector<const AnalyzerSpec*> analyzers_;  // for add()
  GroupingSettings settings_;
  std::uint64_t rows_ = 0;
  std::vector<GroupingPhoto> photos_;
  std::vector<std::string> names_;  // by photos_' index
  mutable bool current_ = false;  // groups_ is the answer for photos_
  mutable std::vector<PhotoGroup> groups_;
};

}  // namespace photoscore
