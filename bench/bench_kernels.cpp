// Per-megapixel cost of each stage of scoring one photo: JPEG decoding, the
// shared gray strips, each analyzer alone (as an MPI roles rank runs it), the
// default set together, and decode + score. Printed figures, never a test.
//
//   build/photoscore_bench [--jpeg=PHOTO.jpg] [benchmark flags]
//   PHOTOSCORE_BENCH_JPEG=PHOTO.jpg build/photoscore_bench --benchmark_filter=Analyzer
//
// Without a photo, a synthetic 12-megapixel JPEG (quality 90, 4:2:0) with
// photo-like texture is made in memory. inputs/make_workload.py makes real
// ones: `--count 1 --megapixels 12 --out DIR`.
//
// Every rate is per pixel of the photo, from CPU time: "ns/px" is nanoseconds
// a pixel (printed with a stray "s": Google Benchmark's unit for inverted
// rates) and "MP/s" megapixels a second.
//   Decode/jpeg        libjpeg-turbo into a reused buffer
//   Strips/gray        the shared gray strips alone
//   Analyzer/<name>    one analyzer on a decoded photo, including the gray
//                      strips when it reads them (all but color): what a rank
//                      running that analyzer alone pays; subtract Strips/gray
//                      for the analyzer's own share
//   Score/default|all  the analyzers together on a decoded photo
//   Pipeline/...       decode and score as photoscore does (process_image:
//                      strips scored as their rows leave the decoder)
#include <benchmark/benchmark.h>

// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "analysis/gray_strips.hpp"
#include "analysis/score_image.hpp"
#include "analyzers/registry.hpp"
#include "image/decode.hpp"
#include "jpeg_argument.hpp"
#include "run/process_image.hpp"

namespace {

using photoscore::RgbImage;

std::vector<std::uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "photoscore_bench: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Smooth shading, edges of several orientations and strengths, and grain:
// enough structure that decoding and the edge percentile behave as on photos.
std::vector<std::uint8_t> synthetic_jpeg(int width, int height) {
  std::vector<std::uint8_t> rgb(std::size_t{3} * width * height);
  std::uint32_t state = 12345;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      const int grain = static_cast<int>(state >> 29) - 4;
      const int block = ((x / 97) ^ (y / 61)) & 1 ? 40 : 0;
      const int ramp = (x * 120) / width + (y * 80) / height;
      const int ring = ((x - width / 2) * (x - width / 2) + (y - height / 3) * (y - height / 3)) / 4096 % 64;
      std::uint8_t* p = rgb.data() + 3 * (static_cast<std::size_t>(y) * width + x);
      const auto clamp = [](int v) { return static_cast<std::uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v); };
      p[0] = clamp(30 + ramp + block + ring + grain);
      p[1] = clamp(50 + ramp / 2 + block + grain);
      p[2] = clamp(90 + ring * 2 - block / 2 + grain);
    }
  }
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = rgb.data() + std::size_t{3} * width * cinfo.next_scanline;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<std::uint8_t> bytes(out, out + out_size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return bytes;
}

struct Photo {
  std::string source;
  std::vector<std::uint8_t> jpeg;
  RgbImage image;
};

std::string g_jpeg_path;

const Photo& photo() {
  static const Photo p = [] {
    Photo q;
    if (g_jpeg_path.empty()) {
      q.source = "synthetic 4000x3000 q90 4:2:0";
      q.jpeg = synthetic_jpeg(4000, 3000);
    } else {
      q.source = g_jpeg_path;
      q.jpeg = read_all(g_jpeg_path);
    }
    q.image = photoscore::decode_image(q.jpeg);
    return q;
  }();
  return p;
}

void per_pixel(benchmark::State& state, std::size_t pixels) {
  const auto px = static_cast<double>(pixels);
  state.counters["MP/s"] = benchmark::Counter(px / 1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["ns/px"] = benchmark::Counter(px / 1e9, benchmark::Counter::kIsIterationInvariantRate |
                                                             benchmark::Counter::kInvert);
}

// Decoding into a reused buffer, as photoscore does from photo to photo.
void BM_Decode(benchmark::State& state) {
  const Photo& p = photo();
  RgbImage img;
  for (auto _ : state) {
    photoscore::decode_jpeg_into(p.jpeg, {}, img);
    benchmark::DoNotOptimize(img.rgb.data());
  }
  per_pixel(state, p.image.pixels());
  state.SetLabel(p.source);
}

void BM_Strips(benchmark::State& state) {
  const Photo& p = photo();
  std::vector<std::vector<std::int32_t>> buffers;
  std::int64_t sink = 0;
  for (auto _ : state) {
    photoscore::for_each_strip(p.image, 1, buffers, [&](const photoscore::Strip& s, int) { sink += s.gray[0]; });
  }
  benchmark::DoNotOptimize(sink);
  per_pixel(state, p.image.pixels());
}

// Scoring an already decoded photo.
void score_with(benchmark::State& state, const std::vector<const photoscore::AnalyzerSpec*>& specs) {
  const Photo& p = photo();
  photoscore::ImageScorer scorer(specs, 1);
  for (auto _ : state) benchmark::DoNotOptimize(scorer.score(p.image));
  per_pixel(state, p.image.pixels());
}

// What photoscore does per photo: decode, scoring each strip as its rows
// come out of the decoder (process_image).
void pipeline_with(benchmark::State& state, const std::vector<const photoscore::AnalyzerSpec*>& specs) {
  const Photo& p = photo();
  photoscore::ImageScorer scorer(specs, 1);
  for (auto _ : state) {
    photoscore::ImageOutcome out = photoscore::process_image(p.jpeg, scorer, {});
    if (!out.ok) state.SkipWithError(out.error.c_str());
    benchmark::DoNotOptimize(out.results.data());
  }
  per_pixel(state, p.image.pixels());
}

std::vector<const photoscore::AnalyzerSpec*> by_names(const std::vector<std::string>& names) {
  std::vector<const photoscore::AnalyzerSpec*> specs;
  for (const auto& n : names) specs.push_back(photoscore::find_analyzer(n));
  return specs;
}

void register_all() {
  benchmark::RegisterBenchmark("Decode/jpeg", BM_Decode)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Strips/gray", BM_Strips)->Unit(benchmark::kMillisecond);
  std::vector<std::string> all;
  for (const auto& spec : photoscore::all_analyzers()) {
    all.push_back(spec.name);
    const std::vector<const photoscore::AnalyzerSpec*> one{&spec};
    benchmark::RegisterBenchmark(("Analyzer/" + spec.name).c_str(), [one](benchmark::State& s) { score_with(s, one); })
        ->Unit(benchmark::kMillisecond);
  }
  const auto defaults = by_names(photoscore::default_analyzer_names());
  const auto every = by_names(all);
  benchmark::RegisterBenchmark("Score/default", [defaults](benchmark::State& s) { score_with(s, defaults); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Score/all", [every](benchmark::State& s) { score_with(s, every); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Pipeline/default", [defaults](benchmark::State& s) { pipeline_with(s, defaults); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Pipeline/all", [every](benchmark::State& s) { pipeline_with(s, every); })
      ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* env = std::getenv("PHOTOSCORE_BENCH_JPEG")) g_jpeg_path = env;
  benchmark::Initialize(&argc, argv);
  if (!read_jpeg_argument(argc, argv, "photoscore_bench", g_jpeg_path)) return 2;
  register_all();
  const Photo& p = photo();
  benchmark::AddCustomContext("photo", p.source + " (" + std::to_string(p.image.width) + "x" +
                                           std::to_string(p.image.height) + ")");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
