#pragma once
// What --xmp and --link-into do beside the results is done per photo: a
// sidecar or link that cannot be made (a read-only photo folder, a name
// past 255 bytes) is a warning for that photo, and the job goes on with its
// exit code unchanged. The first warnings are printed as they come, the
// rest counted in one line at the end; the count goes into the summary and
// /run `warnings`.
#include <cstdint>
#include <cstdio>
#include <string>

namespace photoscore {

class SideEffectWarnings {
 public:
  static constexpr std::int64_t kShown = 10;
  // `what`: "--xmp", "--link-into"; `things`: "sidecar", "link".
  SideEffectWarnings(std::string what, std::string thing, std::FILE* messages)
      : what_(std::move(what)), thing_(std::move(thing)), messages_(messages) {}
  // `target`: the sidecar or link that could not be made.
  void warn(const std::string& target, const std::string& reason);
  // The line counting those not shown, if any.
  void summarize() const;
  std::int64_t count() const { return count_; }
  void reset() { count_ = 0; }

 private:
  std::string what_;
  std::string thing_;
  std::FILE* messages_;
  std::int64_t count_ = 0;
};

}  // namespace photoscore
