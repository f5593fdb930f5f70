#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "output/row_sink.hpp"

namespace photoscore {

// --link-into DIR: acting on verdicts without touching a photo. DIR/post_it,
// DIR/maybe and DIR/delete each get a symlink (absolute target) to every
// photo of that verdict, and DIR/error one to every file that could not be
// scored, so a viewer opened on DIR/delete shows what to look at before
// deleting anything by hand. Links are named by `filename` with '/' (from
// --recursive) turned into "__", so subfolders do not collide.
//
// A rerun replaces the links it made (a photo whose verdict changed loses
// its old link), but a file in DIR that is not a symlink is never touched:
// that photo gets no link, and one line at the end counts them.
class LinkSink final : public RowSink {
 public:
  LinkSink(std::string dir, std::FILE* messages);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

  // The link's name for a row's filename.
  static std::string link_name(const std::string& filename);

 private:
  std::string dir_;
  std::FILE* messages_;
  std::int64_t linked_ = 0;
  std::int64_t refused_ = 0;
  std::string first_refused_;
};

}  // namespace photoscore
