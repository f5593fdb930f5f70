#pragma once
// The groups file (docs/groups.md): bursts and
// near-duplicates among the run's rows, one JSON line per group of two or
// more photos, groups in the order of their first member:
//   {"kind":"burst","members":["IMG_0001.JPG","IMG_0002.JPG"],"best":"IMG_0002.JPG"}
// It keeps 8 bytes of hash, 8 of capture time, the quality score, whether
// the photo is degraded and its file name a row (rows come in file order,
// kept rows of a resumed run first), groups them at close (group/) and writes
// the file whole under a temporary name. Error rows and rows without a hash
// take no part.
#include <cstdint>
#include <string>
#include <vector>

#include "group/photo_groups.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// A frame never picked as a group's best while a good one exists: its
// sharpness analyzer says "blurry", or its exposure analyzer "dark" or
// "clipped" (the seed's and the calibrated profile's words alike).
bool degraded_row(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers);

class GroupsSink final : public RowSink {
 public:
  GroupsSink(std::string path, std::vector<const AnalyzerSpec*> analyzers, GroupingSettings settings);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

  // The file's text for the rows written so far (close() writes it).
  std::string text() const;

 private:
  std::string path_;
  std::vector<const AnalyzerSpec*> analyzers_;
  GroupingSettings settings_;
  std::uint64_t rows_ = 0;
  std::vector<GroupingPhoto> photos_;
  std::vector<std::string> names_;  // by photos_' index
};

}  // namespace photoscore
