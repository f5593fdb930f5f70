#pragma once
// CLI11's Range and PositiveNumber compare, and NaN (CLI11 reads "nan" as a
// double) passes every comparison: every floating-point option checks this
// first.
#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace photoscore {

inline CLI::Validator not_nan() {
  return CLI::Validator(
      [](std::string& text) {
        double value = 0.0;
        if (CLI::detail::lexical_cast(text, value) && std::isnan(value))
          return "'" + text + "' is not a number";
        return std::string();
      },
      "", "NOT_NAN");
}

}  // namespace photoscore
