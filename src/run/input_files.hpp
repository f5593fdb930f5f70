#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace photoscore {

struct InputFile {
  std::string filename;  // name inside the folder
  std::string path;      // folder/name, as it will be opened
};

// Thrown for a folder that cannot be used at all (exit code 2).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The photos of a folder: its files with the seed's extensions (.jpg .jpeg
// .png .bmp .tiff .webp, any case), sorted by name, so every run over the same
// folder sees the same order. Not recursive.
std::vector<InputFile> list_input_files(const std::string& folder);

bool has_photo_extension(const std::string& filename);

// The files of shard `index` of `count`: every count-th file of the sorted
// list starting at `index`, so shards are disjoint, cover the folder, and mix
// large and small files alike.
std::vector<InputFile> select_shard(const std::vector<InputFile>& files, int index, int count);

}  // namespace photoscore
