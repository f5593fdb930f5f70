#include "output/column_docs.hpp"

#include <array>
#include <utility>

namespace photoscore {

namespace {

struct Entry {
  std::string_view name, unit, description;
};

// The units: "1" for dimensionless ratios and scores (UDUNITS' spelling),
// "" for text; gray levels are the reference's 0..255 scale.
constexpr std::array<Entry, 23> kDocs = {{
    {"filename", "", "the file's name in the input folder (with --recursive, relative to it)"},
    {"quality_score", "1", "weighted sum of the analyzers' scores, 0..1, 3 decimals"},
    {"verdict", "", "post_it, maybe or delete, cut from quality_score by the thresholds"},
    {"laplacian_var", "gray level^2", "variance of the 3x3 Laplacian of the gray image (sharpness)"},
    {"sharpness_score", "1", "sharpness analyzer's score, 0..1"},
    {"sharpness_verdict", "", "sharpness analyzer's one-word verdict"},
    {"mean_brightness", "1", "mean gray level over 255, 0..1"},
    {"clipped_shadows", "1", "fraction of pixels at the darkest gray levels"},
    {"clipped_highlights", "1", "fraction of pixels at the brightest gray levels"},
    {"exposure_score", "1", "exposure analyzer's score, 0..1"},
    {"exposure_verdict", "", "exposure analyzer's one-word verdict"},
    {"thirds_coverage", "1", "share of strong edges near the rule-of-thirds lines"},
    {"center_bias", "1", "share of strong edges in the central region"},
    {"composition_score", "1", "composition analyzer's score, 0..1"},
    {"composition_verdict", "", "composition analyzer's one-word verdict"},
    {"colorfulness", "1", "Hasler-Suesstrunk colorfulness of the RGB image"},
    {"color_score", "1", "color analyzer's score, 0..1"},
    {"color_verdict", "", "color analyzer's one-word verdict"},
    {"width", "pixel", "width of the image scored (-1 on error rows)"},
    {"height", "pixel", "height of the image scored (-1 on error rows)"},
    {"source", "", "camera RAWs: embedded preview or demosaiced; empty otherwise"},
    {"path", "", "the path as it was opened"},
    {"status", "", "ok, or error when the file could not be scored"},
}};

}  // namespace

ColumnDoc column_doc(std::string_view name) {
  if (name == "error") return {"", "one-line reason the file could not be scored; empty when ok"};
  for (const Entry& e : kDocs) {
    if (e.name == name) return {std::string(e.unit), std::string(e.description)};
  }
  return {"", "analyzer figure (see the analyzer's documentation)"};
}

}  // namespace photoscore
