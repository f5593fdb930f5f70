#pragma once
// An existing XMP sidecar (darktable's, digiKam's, Lightroom's, or an
// earlier run's) with photoscore's properties put in, through Exiv2's XMP
// parser and serializer: xmp:Rating and xmp:Label set, every property of
// photoscore's namespace replaced by this row's, everything else (edit
// history, keywords, tags, titles, other tools' namespaces) kept.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace photoscore {

// photoscore's namespace URI and prefix. A URI only names the namespace
// (XMP never fetches it); documented in docs/acting.md.
inline constexpr const char* kXmpNamespace = "https://github.com/photoscore/photoscore/xmp/1.0/";
inline constexpr const char* kXmpPrefix = "photoscore";

struct XmpUpdate {
  int rating = 0;
  std::string label;
  std::vector<std::pair<std::string, std::string>> properties;  // photoscore:NAME = VALUE, in order
};

// The sidecar `existing` with `update` applied, as a new XMP packet.
// Throws std::runtime_error when `existing` is not XMP Exiv2 can read.
std::string merge_xmp(std::string_view existing, const XmpUpdate& update);

}  // namespace photoscore
