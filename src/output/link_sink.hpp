#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"
#include "output/side_effects.hpp"

namespace photoscore {

// --link-into DIR: acting on verdicts without touching a photo. DIR/post_it,
// DIR/maybe and DIR/delete each get a symlink (absolute target) to every
// photo of that verdict, and DIR/error one to every file that could not be
// scored, so a viewer opened on DIR/delete shows what to look at before
// deleting anything by hand. Links are named by `filename`, '/' (from
// --recursive) and '%' percent-encoded, so no two photos share a name
// (link_name.hpp).
//
// A rerun replaces the links it made (a photo whose verdict changed loses
// its old link), but a file in DIR that is not a symlink is never touched:
// that photo gets no link, and one line at the end counts them. A link that
// cannot be made is a warning for its photo (side_effects.hpp), not the
// end of the job.
//
// With --groups, DIR/not_best gets a link to every photo of a burst or
// duplicate group that is not its group's best, made at close from the
// run's grouping: the frames a culler looks through before deleting. A
// photo's old link there (an earlier run's) goes when its row comes, like a
// link in another verdict's folder.
class LinkSink final : public RowSink {
 public:
  LinkSink(std::string dir, std::FILE* messages, std::shared_ptr<const RunGrouping> grouping = nullptr);
  // The folder of the groups' other members.
  static constexpr const char* kNotBest = "not_best";
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

  // The link's name for a row's filename.
  static std::string link_name(const std::string& filename);
  // Links not made: a file in the way, or an error (each a warning).
  std::int64_t warnings() const override { return refused_ + warnings_.count(); }

 private:
  // A link to `path` named for `filename` in DIR/`folder`, where only a link
  // (or nothing) is in the way; false when a file that is not a link is.
  bool make_link(const std::string& folder, const std::string& filename, const std::string& path);

  std::string dir_;
  std::FILE* messages_;
  std::shared_ptr<const RunGrouping> grouping_;  // null: the run does not group
  std::vector<std::string> paths_;               // with grouping_: every row's path, in file order
  std::int64_t linked_ = 0;
  std::int64_t refused_ = 0;
  std::string first_refused_;
  SideEffectWarnings warnings_;
};

}  // namespace photoscore
