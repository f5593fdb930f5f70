// --list: what a run would score, from the files' headers alone, so a user
// can check a card or an archive (and how long it will take) before
// committing a cluster allocation to it.
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "app/job_from_options.hpp"
#include "image/codec.hpp"
#include "image/probe.hpp"

namespace photoscore {

namespace {

// Seconds of one core per megapixel scored, decode included, measured with
// `photoscore --threads 1` on the project's 2-core build machine: on JPEGs
// of 2-15 MP (inputs/make_workload.py) and on DNGs demosaiced by LibRaw. An
// estimate to plan with, not a promise: other machines and formats differ.
constexpr double kSecondsPerMegapixel = 0.008;
constexpr double kDemosaicSecondsPerMegapixel = 0.15;

std::string seconds_text(double s) {
  char text[64];
  if (s < 90) {
    std::snprintf(text, sizeof text, "%.0f s", std::ceil(s));
  } else if (s < 5400) {
    std::snprintf(text, sizeof text, "%.0f min", std::ceil(s / 60));
  } else {
    std::snprintf(text, sizeof text, "%.1f h", s / 3600);
  }
  return text;
}

}  // namespace

int list_photos(const Options& o, const Job& job) {
  const InputListing listing = job_listing(o);
  const auto& files = listing.files;
  std::vector<ImageProbe> probes(files.size());
#pragma omp parallel for schedule(dynamic) num_threads(job.threads)
  for (std::size_t i = 0; i < files.size(); ++i) probes[i] = probe_image(files[i].path);

  const auto formats = codecs();
  std::vector<int> count(formats.size());
  std::vector<double> megapixels(formats.size());
  int raws = 0;
  int unreadable = 0;
  int too_large = 0;
  int previews = 0;
  double cpu_seconds = 0.0;
  for (const auto& p : probes) {
    if (!p.ok) {
      ++unreadable;
      continue;
    }
    // A header claiming more than the limit is refused before decoding:
    // counting its claim would make the total and the estimate fiction.
    if (static_cast<std::uint64_t>(p.width) * static_cast<std::uint64_t>(p.height) > job.limits.max_pixels) {
      ++too_large;
      continue;
    }
    const double mp = static_cast<double>(p.width) * static_cast<double>(p.height) / 1e6;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      if (formats[f]->format != p.format) continue;
      ++count[f];
      megapixels[f] += mp;
    }
    raws += p.format == ImageFormat::Raw ? 1 : 0;
    previews += p.raw_preview ? 1 : 0;
    const bool demosaic = p.format == ImageFormat::Raw && !p.raw_preview;
    cpu_seconds += mp * (demosaic ? kDemosaicSecondsPerMegapixel : kSecondsPerMegapixel);
  }

  std::printf("photoscore --list: %zu file%s in %s%s would be scored\n", files.size(),
              files.size() == 1 ? "" : "s", o.input_dir.c_str(), o.recursive ? " and its subfolders" : "");
  std::printf("  %-8s %7s %12s\n", "format", "files", "megapixels");
  double total_mp = 0.0;
  for (std::size_t f = 0; f < formats.size(); ++f) {
    if (count[f] == 0) continue;
    std::printf("  %-8s %7d %12.1f\n", std::string(formats[f]->name).c_str(), count[f], megapixels[f]);
    total_mp += megapixels[f];
  }
  std::printf("  %-8s %7zu %12.1f\n", "total", files.size(), total_mp);
  if (raws > 0) {
    std::printf("  RAW: %d from the embedded preview, %d demosaiced\n", previews, raws - previews);
  }
  if (unreadable > 0) {
    std::printf("  unreadable header: %d (each would get an error row)\n", unreadable);
  }
  if (too_large > 0) {
    std::printf("  over --max-megapixels: %d (each would get an error row)\n", too_large);
  }
  if (!listing.skipped.empty())
    std::printf("  skipped by extension: %s\n", skipped_summary(listing.skipped).c_str());
  for (const auto& folder : listing.unreadable_folders)
    std::printf("  unreadable folder: %s\n", folder.c_str());
  std::printf("  estimated time: about %s on %d thread%s (one core: %s)\n",
              seconds_text(cpu_seconds / job.threads).c_str(), job.threads, job.threads == 1 ? "" : "s",
              seconds_text(cpu_seconds).c_str());
  return 0;
}

}  // namespace photoscore
