#include "output/link_sink.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "output/link_name.hpp"

namespace photoscore {

namespace fs = std::filesystem;

namespace {

// A folder per verdict, named for it: error for the files not scored.
std::string folder_of(Verdict verdict) { return std::string(verdict_name(verdict)); }
std::string folder_of(const ScoredRow& row) { return folder_of(row.ok ? row.verdict : Verdict::Error); }

}  // namespace

LinkSink::LinkSink(std::string dir, std::FILE* messages, std::shared_ptr<const RunGrouping> grouping)
    : dir_(std::move(dir)),
      messages_(messages),
      grouping_(std::move(grouping)),
      warnings_("--link-into", "link", messages) {
  if (dir_.empty()) throw std::runtime_error("--link-into: no folder named");
  // Made now, before any photo is read: a job that cannot link should fail
  // at once, not after hours of scoring.
  std::vector<std::string> folders;
  for (Verdict verdict : kVerdicts) folders.push_back(folder_of(verdict));
  if (grouping_) folders.push_back(kNotBest);
  for (const std::string& folder : folders) {
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
  paths_.clear();
  warnings_.reset();
}

std::string LinkSink::link_name(const std::string& filename) { return photoscore::link_name(filename); }

void LinkSink::write(const ScoredRow& row, const ImageTiming&) {
  if (grouping_) {
    // The grouping keeps no paths: the members' links are made from these.
    paths_.push_back(row.path);
    // An earlier run's link to this photo among the groups' other members:
    // this run's grouping makes it again at close if it still is one.
    std::error_code ec;
    const fs::path old = fs::path(dir_) / kNotBest / link_name(row.filename);
    if (fs::is_symlink(fs::symlink_status(old, ec))) fs::remove(old, ec);
  }
  if (!make_link(folder_of(row), row.filename, row.path)) return;
  ++linked_;
}

bool LinkSink::make_link(const std::string& want, const std::string& filename, const std::string& path) {
  const std::string name = link_name(filename);
  fs::path at = fs::path(dir_) / want / name;
  // A link that cannot be made is this photo's warning; the job goes on.
  try {
    // Absolute, so the link works wherever DIR is looked at from; not
    // canonical, so a photo reached through a symlinked folder keeps that path.
    std::error_code ec;
    const fs::path target = fs::absolute(fs::path(path), ec).lexically_normal();
    if (ec) throw std::runtime_error(path + ": " + ec.message());
    // A link to this photo in another verdict's folder is from an earlier
    // run (the groups' folder holds only its own).
    std::vector<std::string> folders;
    if (want == kNotBest) {
      folders.push_back(want);
    } else {
      for (Verdict verdict : kVerdicts) folders.push_back(folder_of(verdict));
    }
    for (const std::string& folder : folders) {
      const fs::path there = fs::path(dir_) / folder / name;
      const fs::file_status status = fs::symlink_status(there, ec);
      if (!fs::exists(status)) continue;
      if (!fs::is_symlink(status)) {
        if (folder == want) {
          if (refused_++ == 0) first_refused_ = there.string();
          return false;
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
    return true;
  } catch (const std::exception& e) {
    warnings_.warn(at.string(), e.what());
  }
  return false;
}

void LinkSink::close(const RunInfo&) {
  if (grouping_) {
    for (const PhotoGroup& g : grouping_->groups()) {
      for (const std::uint64_t m : g.members) {
        if (m != g.best && m < paths_.size())
          make_link(kNotBest, grouping_->filename(m), paths_[static_cast<std::size_t>(m)]);
      }
    }
  }
  warnings_.summarize();
  if (refused_ > 0 && messages_) {
    std::fprintf(
        messages_,
        "photoscore: --link-into: %lld photo%s not linked: a file that is not a link is in the way (%s)\n",
        static_cast<long long>(refused_), refused_ == 1 ? "" : "s", first_refused_.c_str());
  }
}

}  // namespace photoscore
