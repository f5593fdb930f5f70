#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace photoscore {

struct InputFile {
  std::string filename;  // name inside the folder; with --recursive, the path relative to it
  std::string path;      // folder/name, as it will be opened
};

// Thrown for a folder that cannot be used at all (exit code 2).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The photos of a folder: its files with a photo extension (any case),
// sorted by name, so every run over the same folder sees the same order.
// Not recursive; see list_input_tree.
std::vector<InputFile> list_input_files(const std::string& folder);

bool has_photo_extension(const std::string& filename);

// --- finding photos ---------------------------------------------------------
struct InputListing {
  // Sorted by filename, byte order: the same rows in the same order on every
  // machine, whatever order the file system lists them in.
  std::vector<InputFile> files;
  // Files passed over for their extension, by lower-case extension ("" for
  // none), so a card's videos and unsupported RAWs do not vanish unnoticed.
  // Dotfiles (macOS's ._* AppleDouble files among them) are not counted.
  std::map<std::string, int> skipped;
  std::vector<std::string> unreadable_folders;  // relative; the walk goes on
  std::vector<std::string> unreadable_reasons;  // why, one per unreadable folder
};

// With `recursive`, subfolders too: filenames become paths relative to
// `folder` ("DCIM/100CANON/IMG_0001.JPG"); symlinked folders are followed,
// each folder is listed once (by device and inode), so links can neither
// loop nor list a folder twice; hidden folders are passed over. Throws
// InputError when `folder` itself cannot be used.
InputListing list_input_tree(const std::string& folder, bool recursive);

// The subfolders, at any depth, holding photos: for the hint to a user who
// forgot --recursive.
int subfolders_with_photos(const std::string& folder);

// ".mov: 2, .cr3: 1": most skipped first, then by extension.
std::string skipped_summary(const std::map<std::string, int>& skipped);
// --- end finding photos -----------------------------------------------------

// The files of shard `index` of `count`: every count-th file of the sorted
// list starting at `index`, so shards are disjoint, cover the folder, and mix
// large and small files alike.
std::vector<InputFile> select_shard(const std::vector<InputFile>& files, int index, int count);

}  // namespace photoscore
