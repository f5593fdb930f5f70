#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "run/input_files.hpp"

namespace photoscore {

namespace {

namespace fs = std::filesystem;

struct Folder {
  fs::path path;    // as opened: under the input folder, possibly through links
  std::string rel;  // relative to the input folder, "/"-separated; "" for itself
};

class Walk {
 public:
  Walk(std::string root, bool recursive) : root_(std::move(root)), recursive_(recursive) {}

  InputListing run() {
    list({root_, ""}, true);
    // Real folders first, links after: a link to a folder that is also
    // inside the tree must not claim its photos under the link's name.
    while (!linked_.empty()) {
      const Folder next = linked_.front();
      linked_.pop_front();
      list(next, false);
    }
    std::sort(out_.files.begin(), out_.files.end(),
              [](const InputFile& a, const InputFile& b) { return a.filename < b.filename; });
    return std::move(out_);
  }

 private:
  // Lists `folder` and, depth first, its real subfolders; queues linked ones.
  void list(const Folder& folder, bool top) {
    struct stat st {};
    if (::stat(folder.path.c_str(), &st) != 0) {
      const int err = errno;
      // Gone since it was listed (a link that dangles is not a folder and
      // never gets here) is nothing; anything else is said and counted: a
      // path past PATH_MAX cannot be opened by name, nor its photos.
      if (err == ENOENT && !top) return;
      unreadable(folder, err == ENAMETOOLONG ? std::string("its path is longer than PATH_MAX (") +
                                                   std::to_string(PATH_MAX) + " bytes)"
                                             : std::strerror(err));
      return;
    }
    if (!visited_.insert({st.st_dev, st.st_ino}).second) return;  // a loop, or a folder reached twice
    std::error_code ec;
    fs::directory_iterator it(folder.path, ec);
    std::vector<Folder> subfolders;
    std::vector<Folder> links;
    std::vector<std::string> photos, sidecars;  // names in this folder, for sidecars_not_skipped
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      // Dotfiles are metadata (macOS's ._* AppleDouble twins of every photo
      // on a card, .DS_Store) and dot-folders are caches (.thumbnails).
      if (name.empty() || name[0] == '.') continue;
      const std::string rel = folder.rel.empty() ? name : folder.rel + "/" + name;
      std::error_code type_ec;
      if (it->is_directory(type_ec)) {
        if (!recursive_) continue;
        (it->is_symlink(type_ec) ? links : subfolders).push_back({folder.path / name, rel});
      } else if (has_photo_extension(name)) {
        // A dangling link or an unreadable file still gets a row, with the reason.
        out_.files.push_back({rel, (fs::path(root_) / rel).string()});
        photos.push_back(name);
      } else if (it->is_regular_file(type_ec)) {
        if (extension_of(name) == ".xmp") {
          sidecars.push_back(name);
        } else {
          out_.skipped[extension_of(name)] += 1;
        }
      }
    }
    count_lone_sidecars(photos, sidecars);
    if (ec) {
      if (top) throw InputError("cannot read folder " + root_ + ": " + ec.message());
      unreadable(folder, ec.value() == ENAMETOOLONG ? std::string("its path is longer than PATH_MAX (") +
                                                          std::to_string(PATH_MAX) + " bytes)"
                                                    : ec.message());
      return;
    }
    const auto by_rel = [](const Folder& a, const Folder& b) { return a.rel < b.rel; };
    std::sort(subfolders.begin(), subfolders.end(), by_rel);
    std::sort(links.begin(), links.end(), by_rel);
    linked_.insert(linked_.end(), links.begin(), links.end());
    for (const auto& sub : subfolders) list(sub, false);
  }

  // An .xmp next to the photo it describes (photo.ext.xmp or photo.xmp, as
  // --xmp writes them and as Lightroom and darktable do) is that photo's
  // sidecar, not a file passed over: a rerun after --xmp would otherwise
  // report every sidecar as skipped. Only the others are counted.
  void count_lone_sidecars(std::vector<std::string>& photos, const std::vector<std::string>& sidecars) {
    if (sidecars.empty()) return;
    std::set<std::string> owners(photos.begin(), photos.end());
    for (const std::string& photo : photos) {
      const auto dot = photo.rfind('.');
      if (dot != std::string::npos && dot > 0) owners.insert(photo.substr(0, dot));
    }
    for (const std::string& sidecar : sidecars) {
      if (!owners.count(sidecar.substr(0, sidecar.size() - 4))) out_.skipped[".xmp"] += 1;
    }
  }

  void unreadable(const Folder& folder, const std::string& reason) {
    out_.unreadable_folders.push_back(folder.rel);
    out_.unreadable_reasons.push_back(reason);
  }

  static std::string extension_of(const std::string& name) {
    const auto dot = name.rfind('.');
    if (dot == std::string::npos) return "";
    std::string ext = name.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
  }

  std::string root_;
  bool recursive_;
  InputListing out_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  std::deque<Folder> linked_;
};

}  // namespace

InputListing list_input_tree(const std::string& folder, bool recursive) {
  std::error_code ec;
  const fs::file_status st = fs::status(folder, ec);
  if (ec || !fs::exists(st)) throw InputError("input folder " + folder + " does not exist");
  if (!fs::is_directory(st)) throw InputError(folder + " is not a folder");
  return Walk(folder, recursive).run();
}

int subfolders_with_photos(const std::string& folder) {
  std::set<std::string> parents;
  for (const auto& file : list_input_tree(folder, true).files) {
    const auto slash = file.filename.rfind('/');
    if (slash != std::string::npos) parents.insert(file.filename.substr(0, slash));
  }
  return static_cast<int>(parents.size());
}

}  // namespace photoscore
