#include "app/group_options.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/number_checks.hpp"

namespace photoscore {

namespace {

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// A Hamming distance between two 64-bit hashes, only with --groups.
void add_bits_option(CLI::App& app, const std::string& name, int& bits, const std::string& help,
                     CLI::Option* file) {
  app.add_option(name, bits, help)
      ->check(CLI::Range(0, 64))
      ->needs(file)
      ->option_text("BITS (0-64, default " + std::to_string(bits) + "; with --groups)");
}

}  // namespace

void add_group_options(CLI::App& app, GroupOptions& groups) {
  const std::string help =
      "Write FILE: one JSON line per group of two or more photos, {\"kind\", \"members\", \"best\"}. "
      "A burst: photos taken within --burst-gap of each other (EXIF capture time) that look alike; a "
      "duplicate: photos that look near-identical (a perceptual hash of the pixels) whatever their "
      "time or size, such as a resized, re-encoded export. The best of a group is its highest-scored "
      "frame that is neither blurred nor badly exposed next to the others. Adds perceptual_hash and "
      "capture_time to the JSONL and /scores, and /groups to the HDF5 file";
  CLI::Option* file = app.add_option("--groups", groups.file, help)->option_text("FILE");
  app.add_option("--burst-gap", groups.burst_gap,
                 "Seconds: photos taken at most this far apart (and alike) are one burst; 0 only the same "
                 "instant")
      ->check(finite_in(0.0, kMaxBurstGap))
      ->needs(file)
      ->option_text("SECONDS (0-86400, default " + number_text(groups.burst_gap) + "; with --groups)");
  add_bits_option(app, "--burst-distance", groups.burst_distance,
                  "Bits of the 64-bit hash by which two frames of a burst may differ (more joins more, and "
                  "different photos taken seconds apart too)",
                  file);
  add_bits_option(app, "--duplicate-distance", groups.duplicate_distance,
                  "Bits by which two photos may differ to be duplicates at any time apart (more finds more "
                  "altered copies, and joins more different photos)",
                  file);
}

GroupingSettings grouping_settings(const GroupOptions& groups) {
  GroupingSettings settings;
  settings.burst_gap_us = std::llround(groups.burst_gap * 1e6);
  settings.burst_distance = groups.burst_distance;
  settings.duplicate_distance = groups.duplicate_distance;
  return settings;
}

}  // namespace photoscore
