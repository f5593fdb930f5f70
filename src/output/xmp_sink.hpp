#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "output/row_schema.hpp"
#include "output/row_sink.hpp"
#include "output/side_effects.hpp"
#include "output/xmp_merge.hpp"
#include "record/verdict.hpp"

namespace photoscore {

// --xmp: an XMP sidecar next to each scored photo, which darktable,
// digiKam and Lightroom read: xmp:Rating (post_it 5, maybe 3, delete -1,
// the XMP value for "rejected", so the viewer's reject filter shows the
// delete pile), xmp:Label (Green, Yellow, Red: Lightroom's and digiKam's
// colour label names), and every score of the row in the photoscore
// namespace. Files that could not be scored get no sidecar.
//
// Named IMG_1.JPG.xmp (`photo.ext.xmp`, the default: darktable's and
// digiKam's default, one sidecar per file) or IMG_1.xmp (`photo.xmp`,
// Lightroom's and digiKam's compatible naming, where a RAW+JPEG pair shares
// one: the first photo of the pair in file order gets it). An existing
// sidecar holds someone's edits (darktable's history, digiKam's tags,
// keywords, a title): it is updated through Exiv2 (xmp_merge.hpp), with or
// without `force`, keeping all of that; one that cannot be read as XMP is
// left alone unless `force`. Each sidecar is written under a new temporary
// name and renamed, so none is half-written. A sidecar that cannot be
// written (a read-only folder, a name past 255 bytes) is a warning for that
// photo (side_effects.hpp); the job goes on.
class XmpSink final : public RowSink {
 public:
  enum class Naming { PhotoXmp, PhotoExtXmp };
  XmpSink(std::vector<const AnalyzerSpec*> analyzers, Naming naming, bool force, std::FILE* messages);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;
  std::int64_t warnings() const override { return warnings_.count(); }

  static std::string sidecar_path(const std::string& photo, Naming naming);
  // The sidecar's text for an ok row.
  std::string packet(const ScoredRow& row) const;

 private:
  XmpUpdate update(const ScoredRow& row) const;
  void write_sidecar(const std::string& path, const ScoredRow& row);

  RowSchema schema_;
  Naming naming_;
  bool force_;
  std::FILE* messages_;
  std::string version_;
  std::string profile_;
  std::int64_t updated_ = 0;                 // existing sidecars updated
  std::unordered_set<std::string> written_;  // this run's sidecars, for pairs sharing a name
  std::int64_t shared_ = 0;
  std::string first_shared_;
  SideEffectWarnings warnings_;
};

// XMP's numbers for a verdict: post_it 5, maybe 3, delete -1 (rejected).
int xmp_rating(Verdict verdict);
// Colour label names as Lightroom and digiKam write them.
const char* xmp_label(Verdict verdict);

}  // namespace photoscore
