// Rank 0's share of a photo: what the writing rank spends appending rows
// that other ranks merged and formatted (docs/scaling.md, "Rank 0"), per
// sink and for the default set, and the formatting those ranks do instead.
// Printed figures, never a test.
//
//   build/photoscore_bench_rank0 [benchmark flags]
//
// Rows are typical ok rows of a 64-row block (tiny photos' rows are the same
// size as large ones'); "us/row" is wall microseconds a row.
//   Append/jsonl|h5|dashboard|errors|all   the writer's append of a block,
//                                          files in a temporary folder
//   Format/all                             formatting one row for all of them,
//                                          where the photo was scored
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/dashboard.hpp"
#include "output/error_log.hpp"
#include "output/h5_sink.hpp"
#include "output/jsonl_sink.hpp"
#include "output/row_block.hpp"
#include "record/run_info.hpp"

namespace {

using namespace photoscore;
namespace fs = std::filesystem;

constexpr std::int64_t kRows = 64;

std::vector<const AnalyzerSpec*> seed_analyzers() {
  return {find_analyzer("sharpness"), find_analyzer("exposure"), find_analyzer("composition")};
}

ScoredRow sample_row(std::int64_t i) {
  ScoredRow row;
  char name[32];
  std::snprintf(name, sizeof name, "IMG_%06lld.jpg", static_cast<long long>(i));
  row.filename = name;
  row.path = std::string("/scratch/photos/2026/") + name;
  row.ok = true;
  row.width = 4000;
  row.height = 3000;
  row.quality_score = 0.643;
  row.verdict = Verdict::PostIt;
  for (const AnalyzerSpec* a : seed_analyzers()) {
    AnalyzerResult r;
    double v = 0.1234 + static_cast<double>(i % 97) * 0.001;
    for (const FieldSpec& f : a->fields) {
      if (f.kind == FieldSpec::Kind::Number) {
        r.values.emplace_back(v);
        v += 0.37;
      } else {
        r.values.emplace_back(f.labels.empty() ? std::string("good") : f.labels.front());
      }
    }
    row.results.push_back(std::move(r));
  }
  return row;
}

FormatContext context() {
  FormatContext c = default_context(seed_analyzers());
  c.widths = {24, 64, 8};
  return c;
}

class Folder {
 public:
  Folder() : path_(fs::temp_directory_path() / ("photoscore_bench_" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~Folder() { fs::remove_all(path_); }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

RunInfo run_info() {
  RunInfo info;
  info.hosts = {"host"};
  info.analyzers = {"sharpness", "exposure", "composition"};
  info.weights = {0.4, 0.4, 0.2};
  return info;
}

// Microseconds a row, from the rows done in the benchmark's time.
benchmark::Counter per_row(double rows) {
  return benchmark::Counter(rows / 1e6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Appends blocks of kRows rows to `sink` (state.range: nothing) and reports us/row.
void append_blocks(benchmark::State& state, RowSink& sink) {
  const RunInfo info = run_info();
  sink.open(info);
  RowBlockBuilder builder(sink.formats(), context());
  ImageTiming timing;
  timing.ranks = {1};
  timing.analyzer_seconds = {0.01, 0.01, 0.01};
  std::int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (std::int64_t k = 0; k < kRows; ++k) builder.add(sample_row(next + k), timing, next + k);
    const RowBlock block = builder.take();
    next += kRows;
    state.ResumeTiming();
    sink.append_block(view_of(block));
  }
  sink.flush();
  state.counters["us/row"] = per_row(static_cast<double>(state.iterations() * kRows));
  sink.close(info);
}

void BM_AppendJsonl(benchmark::State& state) {
  Folder folder;
  JsonlSink sink(folder.file("r.jsonl"), context());
  append_blocks(state, sink);
}
BENCHMARK(BM_AppendJsonl)->Name("Append/jsonl")->UseRealTime();

void BM_AppendH5(benchmark::State& state) {
  Folder folder;
  H5Sink sink(folder.file("r.h5"), context());
  append_blocks(state, sink);
}
BENCHMARK(BM_AppendH5)->Name("Append/h5")->UseRealTime();

void BM_AppendDashboard(benchmark::State& state) {
  std::FILE* null = std::fopen("/dev/null", "w");
  Dashboard sink(null, context(), "r.jsonl", "r.h5");
  append_blocks(state, sink);
  std::fclose(null);
}
BENCHMARK(BM_AppendDashboard)->Name("Append/dashboard")->UseRealTime();

void BM_AppendAll(benchmark::State& state) {
  Folder folder;
  std::FILE* null = std::fopen("/dev/null", "w");
  SinkSet sinks;
  sinks.add(std::make_unique<H5Sink>(folder.file("r.h5"), context()));
  sinks.add(std::make_unique<JsonlSink>(folder.file("r.jsonl"), context()));
  sinks.add(std::make_unique<ErrorLog>(null));
  sinks.add(std::make_unique<Dashboard>(null, context(), "r.jsonl", "r.h5"));
  append_blocks(state, sinks);
  std::fclose(null);
}
BENCHMARK(BM_AppendAll)->Name("Append/all")->UseRealTime();

void BM_FormatAll(benchmark::State& state) {
  RowBlockBuilder builder({RowFormat::H5, RowFormat::Jsonl, RowFormat::ErrorLine, RowFormat::Dashboard}, context());
  const ScoredRow row = sample_row(7);
  ImageTiming timing;
  timing.ranks = {1};
  std::int64_t next = 0;
  for (auto _ : state) {
    builder.add(row, timing, next++);
    if (builder.count() == kRows) benchmark::DoNotOptimize(builder.take());
  }
  state.counters["us/row"] = per_row(static_cast<double>(state.iterations()));
}
BENCHMARK(BM_FormatAll)->Name("Format/all")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
