#pragma once
// Bounds on floating-point options, with messages a person can read: CLI11's
// Range and PositiveNumber print their bounds with %f, so a value past the
// largest double came back with 300 digits of it. Values and
// bounds are shown as %g.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace photoscore {

// `low` <= value <= `high` (`low_open`: low < value), finite.
inline CLI::Validator finite_in(double low, double high, bool low_open = false) {
  return CLI::Validator(
      [=](std::string& text) {
        double value = 0.0;
        if (!CLI::detail::lexical_cast(text, value) || std::isnan(value))
          return "'" + text + "' is not a number";
        const bool ok = std::isfinite(value) && (low_open ? value > low : value >= low) && value <= high;
        if (ok) return std::string();
        char bounds[96];
        std::snprintf(bounds, sizeof bounds, "%s%g, %g]", low_open ? "(" : "[", low, high);
        if (!std::isfinite(value)) return text + " is not in " + bounds + " (too large for a number)";
        return text + " is not in " + bounds;
      },
      "", "FINITE_IN");
}

}  // namespace photoscore
