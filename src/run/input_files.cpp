#include "run/input_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace photoscore {

bool has_photo_extension(const std::string& filename) {
  static constexpr std::array<const char*, 6> kExtensions = {".jpg", ".jpeg", ".png", ".bmp", ".tiff", ".webp"};
  const auto dot = filename.rfind('.');
  if (dot == std::string::npos || dot == 0) return false;
  std::string ext = filename.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::vector<InputFile> list_input_files(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(folder, ec);
  if (ec || !fs::exists(st)) throw InputError("input folder " + folder + " does not exist");
  if (!fs::is_directory(st)) throw InputError(folder + " is not a folder");
  std::vector<InputFile> files;
  fs::directory_iterator it(folder, ec);
  if (ec) throw InputError("cannot read folder " + folder + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw InputError("cannot read folder " + folder + ": " + ec.message());
    std::string name = it->path().filename().string();
    if (!has_photo_extension(name)) continue;
    std::error_code type_ec;
    // A dangling link or a subfolder named like a photo is not a photo; a
    // file we cannot open still gets a row, with the reason.
    if (it->is_directory(type_ec)) continue;
    files.push_back({name, (fs::path(folder) / name).string()});
  }
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.filename < b.filename; });
  return files;
}

std::vector<InputFile> select_shard(const std::vector<InputFile>& files, int index, int count) {
  std::vector<InputFile> shard;
  for (std::size_t i = static_cast<std::size_t>(index); i < files.size(); i += static_cast<std::size_t>(count)) {
    shard.push_back(files[i]);
  }
  return shard;
}

}  // namespace photoscore
