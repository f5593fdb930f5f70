#include "run/photo_extensions.hpp"

#include <algorithm>
#include <utility>

#include "run/input_files.hpp"

namespace photoscore {

const std::vector<std::string>& photo_extensions() {
  // CR3 is left out: Debian's LibRaw 0.20 reads it, but not every build
  // does, and a file listed as a photo that then fails is worse than one
  // reported as skipped.
  static const std::vector<std::string> kExtensions = {
      ".jpg",  ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".tif", ".tiff", ".webp",  // the seed's, and aliases
      ".heic", ".heif", ".hif",                                                     // HEIF (phones)
      ".dng",  ".cr2",  ".crw", ".nef",  ".nrw", ".arw", ".srf", ".sr2",  ".orf",  ".rw2", ".pef", ".raf",
      ".srw",  ".rwl",  ".raw", ".3fr",  ".erf", ".kdc", ".mrw", ".mos",  ".iiq",  ".x3f"};  // camera RAW
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
