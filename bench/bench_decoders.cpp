// What decoding in a helper process costs a photo, against
// decoding it in process. Printed figures, never a test.
//
//   build/photoscore_bench_decoders [--photoscore=build/photoscore] [--rounds=N] PHOTO...
//
// analysis/bench_decoders.py makes realistic photos (24 MP RAW previews,
// 12 MP demosaiced RAWs, 12 MP HEICs) and runs this on them. For each photo,
// rounds of: the header probe and decode as thread mode does them (the
// probe for the memory budget, then the decode into a reused buffer) in
// process, then the same through this thread's warm decoder helper (the
// pixels read where the helper left them, as thread mode and farm do), then
// through the helper with the pixels copied out (as the roles layout does).
// The three alternate within each round, so a busy machine slows all alike,
// and the times are CPU time, of this process and of its helpers (as they
// report it), which other jobs on the machine barely change. Medians over
// rounds are printed, with the helpers' cost per photo as a share of the
// in-process probe and decode, and the wall-clock medians beside. "first" is the first isolated decode with a
// cold helper: starting the decoder and witness processes and their first
// photo's new pages, paid once per decoding thread.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"
#include "image/probe.hpp"

namespace {

using photoscore::DecodeLimits;
using photoscore::RgbImage;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of this process (its threads, finished ones too) and of this
// thread's decoder helpers (as they report them), so far.
double cpu_now() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) +
         photoscore::decoder_helpers_cpu_seconds();
}

struct Time {
  double cpu = 0.0;
  double wall = 0.0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

std::vector<std::uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The probe and the decode of one photo, as thread mode does them.
Time probe_and_decode(const std::string& path, const std::vector<std::uint8_t>& bytes,
                      const DecodeLimits& limits, RgbImage& image) {
  const double c0 = cpu_now();
  const double t0 = now();
  const photoscore::ImageProbe probe = photoscore::probe_image(path, limits);
  photoscore::decode_image_into(bytes, limits, image);
  const Time t{cpu_now() - c0, now() - t0};
  if (!probe.ok || image.width <= 0) {
    std::fprintf(stderr, "bench_decoders: %s does not decode\n", path.c_str());
    std::exit(1);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::string program = PHOTOSCORE_BINARY;
  int rounds = 9;
  std::vector<std::string> photos;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--photoscore=", 0) == 0) {
      program = arg.substr(13);
    } else if (arg.rfind("--rounds=", 0) == 0) {
      rounds = std::max(1, std::atoi(arg.c_str() + 9));
    } else {
      photos.push_back(arg);
    }
  }
  if (photos.empty()) {
    std::fprintf(stderr, "usage: photoscore_bench_decoders [--photoscore=BIN] [--rounds=N] PHOTO...\n");
    return 2;
  }
  std::printf("%-22s %6s %16s %16s %7s %16s %7s %16s\n", "photo", "pixels", "decode", "borrowed", "cost",
              "copied", "cost", "first");
  std::printf("%-22s %6s %16s %16s %7s %16s %7s %16s\n", "", "MP", "CPU ms (wall)", "+CPU ms (wall)", "",
              "+CPU ms (wall)", "", "+CPU ms (wall)");
  for (const std::string& path : photos) {
    const std::vector<std::uint8_t> bytes = read_all(path);
    DecodeLimits limits;
    RgbImage in_process, borrowed, copied;
    photoscore::DecoderHelperSettings settings;
    settings.program = program;

    // Warm: the in-process buffers, then a cold helper's first photo.
    photoscore::configure_decoder_helpers({});
    const Time warm = probe_and_decode(path, bytes, limits, in_process);
    settings.enabled = true;
    photoscore::configure_decoder_helpers(settings);
    photoscore::end_decoder_helper();
    DecodeLimits borrowing = limits;
    borrowing.borrow_helper_pixels = true;
    const Time first = probe_and_decode(path, bytes, borrowing, borrowed);

    std::vector<Time> base, lent, copy;
    for (int r = 0; r < rounds; ++r) {
      photoscore::configure_decoder_helpers({});
      base.push_back(probe_and_decode(path, bytes, limits, in_process));
      photoscore::configure_decoder_helpers(settings);
      lent.push_back(probe_and_decode(path, bytes, borrowing, borrowed));
      copy.push_back(probe_and_decode(path, bytes, limits, copied));
    }
    const auto med = [](const std::vector<Time>& v, double Time::*field) {
      std::vector<double> x;
      for (const Time& t : v) x.push_back(t.*field);
      return median(x);
    };
    const double b = med(base, &Time::cpu), bw = med(base, &Time::wall);
    const double lent_cpu = med(lent, &Time::cpu) - b, lent_wall = med(lent, &Time::wall) - bw;
    const double copy_cpu = med(copy, &Time::cpu) - b, copy_wall = med(copy, &Time::wall) - bw;
    std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.size() > 22) name = name.substr(0, 22);
    std::printf("%-22s %6.1f %7.1f (%6.1f) %7.1f (%6.1f) %6.1f%% %7.1f (%6.1f) %6.1f%% %7.1f (%6.1f)\n",
                name.c_str(), static_cast<double>(in_process.pixels()) / 1e6, b * 1e3, bw * 1e3,
                lent_cpu * 1e3, lent_wall * 1e3, 100 * lent_cpu / b, copy_cpu * 1e3, copy_wall * 1e3,
                100 * copy_cpu / b, (first.cpu - warm.cpu) * 1e3, (first.wall - warm.wall) * 1e3);
    photoscore::end_decoder_helper();
  }
  return 0;
}
