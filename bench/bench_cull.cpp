// Culling's costs (docs/groups.md): the perceptual hashes on one
// decoded photo beside what photoscore spends scoring it, and the grouping of
// a million photos' hashes and capture times on one core. Printed figures,
// never a test.
//
//   build/bench/photoscore_bench_cull [--jpeg=PHOTO.jpg] [benchmark flags]
//   /usr/bin/time -v build/bench/photoscore_bench_cull --benchmark_filter=Group   (peak RSS)
//
// The photo defaults to tests/data/photos/astronaut_2048.jpg (2048 x 2048,
// 4.2 MP).
//   Hash/dct|difference|wavelet  one hash of the decoded photo
//   Pipeline/default             decode + score with the default analyzers,
//                                one thread (process_image): a photo's scoring
//   Score/default                scoring alone, the photo already decoded
//   Group/1000000                group_photos on 1,000,000 synthetic photos:
//                                bursts of 3-8 frames, singles, exported
//                                copies without a time (counters: groups,
//                                grouped photos, the search's blocks)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "analysis/perceptual_hash.hpp"
#include "analysis/score_image.hpp"
#include "analyzers/registry.hpp"
#include "group/near_pairs.hpp"
#include "group/photo_groups.hpp"
#include "image/decode.hpp"
#include "jpeg_argument.hpp"
#include "run/process_image.hpp"

namespace {

using photoscore::RgbImage;

std::string g_jpeg_path = PHOTOSCORE_BENCH_JPEG;

struct Photo {
  std::vector<std::uint8_t> jpeg;
  RgbImage image;
};

const Photo& photo() {
  static const Photo p = [] {
    Photo q;
    std::ifstream in(g_jpeg_path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "photoscore_bench_cull: cannot read %s\n", g_jpeg_path.c_str());
      std::exit(2);
    }
    q.jpeg.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    q.image = photoscore::decode_image(q.jpeg);
    return q;
  }();
  return p;
}

template <std::uint64_t (*Hash)(const std::uint8_t*, int, int, std::size_t)>
void BM_Hash(benchmark::State& state) {
  const RgbImage& img = photo().image;
  for (auto _ : state)
    benchmark::DoNotOptimize(Hash(img.rgb.data(), img.width, img.height, 3 * std::size_t(img.width)));
}

std::vector<const photoscore::AnalyzerSpec*> default_specs() {
  std::vector<const photoscore::AnalyzerSpec*> specs;
  for (const auto& n : photoscore::default_analyzer_names()) specs.push_back(photoscore::find_analyzer(n));
  return specs;
}

void BM_Pipeline(benchmark::State& state) {
  const Photo& p = photo();
  photoscore::ImageScorer scorer(default_specs(), 1);
  for (auto _ : state) {
    photoscore::ImageOutcome out = photoscore::process_image(p.jpeg, scorer, {});
    if (!out.ok) state.SkipWithError(out.error.c_str());
    benchmark::DoNotOptimize(out.results.data());
  }
}

void BM_Score(benchmark::State& state) {
  const Photo& p = photo();
  photoscore::ImageScorer scorer(default_specs(), 1);
  for (auto _ : state) benchmark::DoNotOptimize(scorer.score(p.image));
}

// A card of `count` photos in file order: shots a few seconds to minutes
// apart, a fifth of them bursts of 3-8 frames 0.2-0.8 s apart whose hashes
// are the scene's with up to 6 bits flipped, and one photo in 20 an exported
// copy of an earlier photo (up to 3 bits flipped, no capture time).
std::vector<photoscore::GroupingPhoto> synthetic_card(std::size_t count) {
  std::mt19937_64 rng(20);
  std::vector<photoscore::GroupingPhoto> card;
  card.reserve(count);
  std::int64_t t = 1'700'000'000'000'000;
  const auto flips = [&](std::uint64_t h, int most) {
    const int n = static_cast<int>(rng() % (most + 1));
    for (int i = 0; i < n; ++i) h ^= std::uint64_t{1} << (rng() % 64);
    return h;
  };
  while (card.size() < count) {
    photoscore::GroupingPhoto p;
    p.order = card.size();
    p.quality = static_cast<double>(rng() % 1000) / 1000;
    p.degraded = rng() % 5 == 0;
    p.sharpness = static_cast<float>(rng() % 1000) / 1000;
    p.brightness = static_cast<float>(rng() % 1000) / 1000;
    if (!card.empty() && rng() % 20 == 0) {
      p.hash = flips(card[rng() % card.size()].hash, 3);
      card.push_back(p);
      continue;
    }
    t += 3'000'000 + static_cast<std::int64_t>(rng() % 120'000'000);
    const std::uint64_t scene = rng();
    const int frames = rng() % 5 == 0 ? 3 + static_cast<int>(rng() % 6) : 1;
    for (int f = 0; f < frames && card.size() < count; ++f) {
      if (f > 0) {
        t += 200'000 + static_cast<std::int64_t>(rng() % 600'000);
        p.order = card.size();
        p.quality = static_cast<double>(rng() % 1000) / 1000;
        p.degraded = rng() % 5 == 0;
        p.sharpness = static_cast<float>(rng() % 1000) / 1000;
        p.brightness = static_cast<float>(rng() % 1000) / 1000;
      }
      p.hash = f == 0 ? scene : flips(scene, 6);
      p.capture_us = t;
      card.push_back(p);
    }
  }
  return card;
}

void BM_Group(benchmark::State& state) {
  const auto card = synthetic_card(static_cast<std::size_t>(state.range(0)));
  photoscore::GroupingSettings settings;
  std::size_t groups = 0;
  std::size_t grouped = 0;
  for (auto _ : state) {
    const auto result = photoscore::group_photos(card, settings);
    groups = result.size();
    grouped = 0;
    for (const auto& g : result) grouped += g.members.size();
    benchmark::DoNotOptimize(result.data());
  }
  state.counters["groups"] = static_cast<double>(groups);
  state.counters["grouped"] = static_cast<double>(grouped);
  state.counters["blocks"] = photoscore::near_pair_blocks(card.size(), settings.duplicate_distance);
  state.counters["burst_dist"] = settings.burst_distance;
  state.counters["dup_dist"] = settings.duplicate_distance;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!read_jpeg_argument(argc, argv, "photoscore_bench_cull", g_jpeg_path)) return 2;
  benchmark::RegisterBenchmark("Hash/dct", BM_Hash<photoscore::dct_hash>)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Hash/difference", BM_Hash<photoscore::difference_hash>)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Hash/wavelet", BM_Hash<photoscore::wavelet_hash>)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Pipeline/default", BM_Pipeline)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Score/default", BM_Score)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Group", BM_Group)
      ->Arg(1'000'000)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);
  // The photo is only read when a benchmark that needs it runs.
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
