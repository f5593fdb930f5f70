#pragma once
// What an analyzer is: a pure computation from a photo's pixels to a few
// named, rounded figures. Analyzers know nothing of MPI, threads, files or
// output; the runners and sinks only ever see the AnalyzerSpec below.
//
// Pixels arrive in strips of rows (see Strip) so that the gray conversion is
// done once per photo, shared by every analyzer, and stays in cache while
// each analyzer sweeps it. Strips may be handed to consume() concurrently,
// each call with its own accumulator slot; every accumulator is an exact
// integer, so the result does not depend on how the strips were split.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "image/rgb_image.hpp"

namespace photoscore {

// One 0..255 gray level of the reference is G/1000 with
// G = 299*R + 587*G + 114*B, an exact integer in [0, 255000]. Every sum,
// difference and comparison below is done on G, so nothing is rounded until
// the final figure.
// Exact wide accumulators for sums of squares over whole photos.
__extension__ typedef __int128 Int128;

inline constexpr std::int32_t kGrayScale = 1000;
inline constexpr std::int32_t kGrayMax = 255 * kGrayScale;

struct Strip {
  int width = 0;   // of the whole photo
  int height = 0;  // of the whole photo
  int y0 = 0;      // first row of the strip
  int y1 = 0;      // one past its last row
  // Row y0, column 0 of the scaled gray image. Rows y0-1 and y1 and columns
  // -1 and width are present too, holding the mirrored edge (scipy's
  // 'reflect': row -1 is row 0), so stencils need no border branches. Null
  // when no selected analyzer reads gray (AnalyzerSpec::reads_gray).
  const std::int32_t* gray = nullptr;
  std::ptrdiff_t stride = 0;  // elements from one row to the next
  const RgbImage* image = nullptr;

  const std::int32_t* gray_row(int y) const { return gray + static_cast<std::ptrdiff_t>(y - y0) * stride; }
};

using FieldValue = std::variant<double, std::string>;

struct AnalyzerResult {
  std::vector<FieldValue> values;  // in the order of AnalyzerSpec::fields
};

struct FieldSpec {
  enum class Kind { Number, Label };
  std::string name;
  Kind kind = Kind::Number;
  int decimals = 4;       // numbers are rounded to this many decimals
  bool headline = false;  // one of the seed's twelve archive keys
  // A Label field's words, every one it can take: for readers of the
  // outputs, and the width of its fixed-length HDF5 column.
  std::vector<std::string> labels = {};
  // For readers of the HDF5 file who never saw the docs (its column's
  // attributes): the unit ("1" for dimensionless ratios and scores,
  // UDUNITS' spelling; "" for labels; gray levels are the reference's
  // 0..255 scale) and one line saying what the figure is.
  std::string unit = {};
  std::string description = {};
};

// A number field: its name, the decimals it is rounded to, whether it is a
// headline, its unit and what it is.
inline FieldSpec number_field(std::string name, int decimals, bool headline, std::string unit,
                              std::string description) {
  return {std::move(name), FieldSpec::Kind::Number, decimals, headline, {},
          std::move(unit), std::move(description)};
}

// A label field: its name, whether it is a headline, every word it can take
// and what it is.
inline FieldSpec label_field(std::string name, bool headline, std::vector<std::string> labels,
                             std::string description) {
  return {std::move(name),       FieldSpec::Kind::Label, 0, headline, std::move(labels), "",
          std::move(description)};
}

// The stateful part of one analyzer for one photo at a time. A kernel is
// reused from photo to photo so its buffers are allocated once.
class AnalyzerKernel {
 public:
  virtual ~AnalyzerKernel() = default;
  // A new photo; consume() will be called with slots in [0, slots).
  virtual void begin(int width, int height, int slots) = 0;
  virtual void consume(const Strip& strip, int slot) = 0;
  virtual AnalyzerResult finish(const RgbImage& image) = 0;
};

struct AnalyzerSpec {
  std::string name;     // as given to --analyzers
  std::string summary;  // one line for --help
  std::vector<FieldSpec> fields;
  std::size_t score_field = 0;    // the 0..1 score that the merge weighs
  std::size_t verdict_field = 0;  // the analyzer's one-word verdict
  double weight = 0.0;            // its share of the quality score
  // On by default. Default analyzers share what the optional ones leave:
  // with color (0.10) on, the seed's 0.4/0.4/0.2 become 0.36/0.36/0.18.
  bool enabled_by_default = true;
  // Whether consume() reads Strip::gray; when no selected analyzer does (a
  // rank running color alone), the gray strips are not made at all.
  bool reads_gray = true;
  // A verdict word of this analyzer that keeps a photo from post_it
  // whatever its quality score (merge/merge_scores.hpp); empty: none. The
  // calibrated sharpness analyzer's "blurry": a culler keeps no blurred photo.
  std::string never_post_it;
  std::unique_ptr<AnalyzerKernel> (*make_kernel)() = nullptr;
  // The dashboard's figure ("var 1089.6") and note, from the result alone.
  std::string (*figure)(const AnalyzerResult&) = nullptr;
  std::string (*note)(const AnalyzerResult&) = nullptr;

  double number(const AnalyzerResult& r, std::size_t field) const { return std::get<double>(r.values.at(field)); }
  const std::string& label(const AnalyzerResult& r, std::size_t field) const {
    return std::get<std::string>(r.values.at(field));
  }
};

// A dashboard figure: the number in `field` through a printf format with
// one conversion ("var %.1f").
std::string figure_text(const AnalyzerResult& r, std::size_t field, const char* format);

// Python's round(x, n) for the values analyzers report: half to even on the
// scaled value, as the reference does.
double round_to(double value, int decimals);

// Population variance of n exact integers from their exact sum and sum of
// squares: (n*S2 - S1^2) / n^2, rounded once at the end. Never negative.
long double exact_variance(std::int64_t n, Int128 sum, Int128 sum_sq);

inline double clip01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

}  // namespace photoscore
