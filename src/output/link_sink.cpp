#include "output/link_sink.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "output/link_name.hpp"

namespace photoscore {

namespace fs = std::filesystem;

namespace {

// A folder per verdict, named for it: error for the files not scored.
std::string folder_of(Verdict verdict) { return std::string(verdict_name(verdict)); }
std::string folder_of(const ScoredRow& row) { return folder_of(row.ok ? row.verdict : Verdict::Error); }

}  // namespace

LinkSink::LinkSink(std::string dir, std::FILE* messages)
    : dir_(std::move(dir)), messages_(messages), warnings_("--link-into", "link", messages) {
  if (dir_.empty()) throw std::runtime_error("--link-into: no folder named");
  // Made now, before any photo is read: a job that cannot link should fail
  // at once, not after hours of scoring.
  for (Verdict verdict : kVerdicts) {
    const std::string folder = folder_of(verdict);
    std::error_code ec;
    fs::create_directories(fs::path(dir_) / folder, ec);
    if (ec || !fs::is_directory(fs::path(dir_) / folder))
      throw std::runtime_error("--link-into: cannot make " + (fs::path(dir_) / folder).string() + ": " +
                               (ec ? ec.message() : "not a folder"));
  }
}

void LinkSink::open(const RunInfo&) {
  linked_ = 0;
  refused_ = 0;
  warnings_.reset();
}

std::string LinkSink::link_name(const std::string& filename) { return photoscore::link_name(filename); }

void LinkSink::write(const ScoredRow& row, const ImageTiming&) {
  const std::string name = link_name(row.filename);
  const std::string want = folder_of(row);
  fs::path at = fs::path(dir_) / want / name;
  // A link that cannot be made is this photo's warning; the job goes on.
  try {
    // Absolute, so the link works wherever DIR is looked at from; not
    // canonical, so a photo reached through a symlinked folder keeps that path.
    std::error_code ec;
    const fs::path target = fs::absolute(fs::path(row.path), ec).lexically_normal();
    if (ec) throw std::runtime_error(row.path + ": " + ec.message());
    // A link to this photo in another verdict's folder is from an earlier run.
    for (Verdict verdict : kVerdicts) {
      const std::string folder = folder_of(verdict);
      const fs::path there = fs::path(dir_) / folder / name;
      const fs::file_status status = fs::symlink_status(there, ec);
      if (!fs::exists(status)) continue;
      if (!fs::is_symlink(status)) {
        if (folder == want) {
          if (refused_++ == 0) first_refused_ = there.string();
          return;
        }
        continue;
      }
      fs::remove(there, ec);
      if (ec) {
        at = there;
        throw std::runtime_error("cannot replace it: " + ec.message());
      }
    }
    fs::create_symlink(target, at, ec);
    if (ec) throw std::runtime_error(ec.message());
    ++linked_;
  } catch (const std::exception& e) {
    warnings_.warn(at.string(), e.what());
  }
}

void LinkSink::close(const RunInfo&) {
  warnings_.summarize();
  if (refused_ > 0 && messages_) {
    std::fprintf(
        messages_,
        "photoscore: --link-into: %lld photo%s not linked: a file that is not a link is in the way (%s)\n",
        static_cast<long long>(refused_), refused_ == 1 ? "" : "s", first_refused_.c_str());
  }
}

}  // namespace photoscore
