#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "output/row_sink.hpp"
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
class LinkSink final : public RowSink {
 public:
  LinkSink(std::string dir, std::FILE* messages);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

  // The link's name for a row's filename.
  static std::string link_name(const std::string& filename);
  // Links not made: a file in the way, or an error (each a warning).
  std::int64_t warnings() const override { return refused_ + warnings_.count(); }

 private:
  std::string dir_;
  std::FILE* messages_;
  std::int64_t linked_ = 0;
  std::int64_t refused_ = 0;
  std::string first_refused_;
  SideEffectWarnings warnings_;
};

}  // namespace photoscore
