#include "run/photo_extensions.hpp"

#include <algorithm>
#include <utility>

#include "image/codec.hpp"
#include "run/input_files.hpp"

namespace photoscore {

const std::vector<std::string>& photo_extensions() {
  static const std::vector<std::string> kExtensions = [] {
    std::vector<std::string> all;
    for (const Codec* codec : codecs())
      all.insert(all.end(), codec->extensions.begin(), codec->extensions.end());
    return all;
  }();
  return kExtensions;
}

std::string skipped_summary(const std::map<std::string, int>& skipped) {
  std::vector<std::pair<std::string, int>> counts(skipped.begin(), skipped.end());
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text;
  for (const auto& [ext, n] : counts) {
    text += (text.empty() ? "" : ", ") + (ext.empty() ? std::string("no extension") : ext) + ": " +
            std::to_string(n);
  }
  return text;
}

}  // namespace photoscore
