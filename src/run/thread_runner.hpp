#pragma once
#include <vector>

#include "record/run_info.hpp"
#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "output/row_sink.hpp"
#include "run/input_files.hpp"

namespace photoscore {

// Thread mode: the whole pipeline in this process. Each OpenMP thread reads,
// decodes and scores whole photos, taking the next file as it frees up; rows
// are merged and written strictly in file order as they become ready. Only
// finished rows wait (a few hundred bytes each), never decoded images.
// Fills info.images, info.errors and info.rank_timings (one row: this rank).
void run_threads(const std::vector<InputFile>& files, const MergePolicy& policy, const DecodeLimits& limits,
                 int threads, RowSink& sink, RunInfo& info);

}  // namespace photoscore
