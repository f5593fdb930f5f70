#include "run/input_files.hpp"

#include <algorithm>
#include <cctype>

#include "run/photo_extensions.hpp"

namespace photoscore {

bool has_photo_extension(const std::string& filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  std::string ext = filename.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& known = photo_extensions();
  return std::find(known.begin(), known.end(), ext) != known.end();
}

std::vector<InputFile> list_input_files(const std::string& folder) { return list_input_tree(folder, false).files; }

std::vector<InputFile> select_shard(const std::vector<InputFile>& files, int index, int count) {
  std::vector<InputFile> shard;
  for (std::size_t i = static_cast<std::size_t>(index); i < files.size(); i += static_cast<std::size_t>(count)) {
    shard.push_back(files[i]);
  }
  return shard;
}

}  // namespace photoscore
