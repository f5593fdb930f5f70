#pragma once
// Everything a run needs, decided once on every rank from the options, so
// the runners only move photos and rows.
#include <memory>
#include <vector>

#include "app/options.hpp"
#include "record/run_info.hpp"
#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "output/row_sink.hpp"
#include "run/input_files.hpp"

namespace photoscore {

struct Job {
  Options options;
  MergePolicy policy;
  DecodeLimits limits;
  int threads = 1;  // OpenMP threads per rank
  RunInfo info;
};

Job make_job(const Options& options, Mode mode, Layout layout, int ranks);

// The files this run scores: the folder's photos, this shard's share, and at
// most --max-images of them. Throws InputError for an unusable folder.
std::vector<InputFile> job_files(const Job& job);

// JSONL, HDF5, the error lines on stderr and the dashboard, in that order.
std::unique_ptr<SinkSet> make_sinks(const Job& job);

// 0 when every photo was scored, 1 when some could not be.
int exit_code_for(const RunInfo& info);

}  // namespace photoscore
