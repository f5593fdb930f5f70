#include "output/column_docs.hpp"

#include <array>
#include <utility>

namespace photoscore {

namespace {

struct Entry {
  std::string_view name, unit, description;
};

// The fixed columns, which every row has whatever the analyzers (an
// analyzer's fields carry their own, FieldSpec). The units: "1" for
// dimensionless ratios and scores (UDUNITS' spelling), "" for text.
constexpr std::array<Entry, 11> kDocs = {{
    {"filename", "", "the file's name in the input folder (with --recursive, relative to it)"},
    {"quality_score", "1", "weighted sum of the analyzers' scores, 0..1, 3 decimals"},
    {"verdict", "",
     "post_it, maybe or delete, cut from quality_score by the thresholds; a photo an analyzer's label rules "
     "out (the calibrated profile's blurry) is maybe at best"},
    {"width", "pixel", "width of the image scored (-1 on error rows)"},
    {"height", "pixel", "height of the image scored (-1 on error rows)"},
    {"source", "", "camera RAWs: embedded preview or demosaiced; empty otherwise"},
    {"perceptual_hash", "",
     "pHash of the image scored, 16 hex digits: photos whose hashes differ in few bits look alike "
     "(docs/groups.md)"},
    {"capture_time", "",
     "when the photo was taken, from its EXIF (ISO 8601, the camera's fraction of a second and UTC offset "
     "where it gave them); empty when unknown"},
    {"path", "", "the path as it was opened"},
    {"status", "", "ok, or error when the file could not be scored"},
    {"error", "", "one-line reason the file could not be scored; empty when ok"},
}};

}  // namespace

ColumnDoc column_doc(std::string_view name) {
  for (const Entry& e : kDocs) {
    if (e.name == name) return {std::string(e.unit), std::string(e.description)};
  }
  return {"", "analyzer figure (see the analyzer's documentation)"};
}

}  // namespace photoscore
