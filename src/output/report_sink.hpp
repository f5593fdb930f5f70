#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "image/thumbnail.hpp"
#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"

namespace photoscore {

// --report FILE.html: one self-contained page (inline CSS and JS, thumbnails
// as data: URIs) to look through a run's verdicts in any browser, offline:
// photos grouped by verdict, sortable by score, each with its sub-scores and
// notes. Its size stays bounded for 100,000 photos: thumbnails only for the
// best-scored `thumbnails` photos of each verdict, and at most kListed
// photos listed per verdict (the rest are counted; the JSONL has them all).
// Thumbnails (kThumbnailSide px, JPEG) are made at close, on every thread,
// by `thumbnail` (the photo's path in, upright JPEG bytes or "" out, with
// the EXIF details its card shows: capture time, camera, exposure), which
// decodes those photos again within the job's read limits
// (run/photo_thumbnail.hpp); none without it. Every photo's thumbnail and
// name link to the photo itself, relative to the page's own folder (so the
// page and the photos can move together), percent-encoded. With --groups, a section before the verdicts shows
// each burst and duplicate group of the run's grouping together: its best first, the others folded
// (<details>), thumbnails for the members of the first `thumbnails` groups. The page is written under a
// temporary name and renamed once complete.
class ReportSink final : public RowSink {
 public:
  static constexpr std::size_t kListed = 2000;
  static constexpr int kThumbnailSide = 256;
  using ThumbnailMaker = std::function<Thumbnail(const std::string& path)>;

  ReportSink(std::string path, std::vector<const AnalyzerSpec*> analyzers, int thumbnails,
             ThumbnailMaker thumbnail, std::shared_ptr<const RunGrouping> grouping = nullptr);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  struct Item {
    std::int64_t index = 0;  // file order
    std::string filename;
    std::string path;
    Verdict verdict = Verdict::Error;
    double score = 0.0;
    int width = 0, height = 0;
    std::vector<std::string> scores;  // per analyzer: "sharpness 0.82 sharp (var 120.3)"
    std::string note;                 // notes, or the error
    std::string href;                 // the photo, relative to the page; filled at close
    Thumbnail thumbnail;              // filled at close
  };

  static std::string item_html(const Item& item);
  // The groups' section, and the items whose thumbnails it shows.
  std::string groups_html() const;
  std::vector<Item*> grouped_items();

  std::string path_;
  std::vector<const AnalyzerSpec*> analyzers_;
  std::shared_ptr<const RunGrouping> grouping_;  // null: the run does not group
  int thumbnails_;
  ThumbnailMaker thumbnail_;
  std::vector<Item> items_;
};

// `bytes` in base64 (RFC 4648), for data: URIs.
std::string base64(std::string_view bytes);

// A link from a page in folder `page_folder` to the file at `path` (both
// relative to the working directory, or absolute): the relative path,
// '/'-separated, every byte but letters, digits, "-._~/" percent-encoded
// (RFC 3986), so spaces, '#', '?', '%', ':' and non-UTF-8 names all open
// the file they name.
std::string relative_href(const std::string& page_folder, const std::string& path);

}  // namespace photoscore
