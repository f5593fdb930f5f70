#pragma once
#include <vector>

#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "record/run_info.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"
#include "run/ordered_writer.hpp"

namespace photoscore {

// Thread mode: the whole pipeline in this process. Each OpenMP thread reads,
// decodes and scores whole photos, taking the next file as it frees up, and
// merges and formats its row, and hands the row to the ordered writer. Only
// finished rows wait (a few hundred bytes each), never decoded images. Returns this rank's stage times (wall
// left to the caller). Throws what a worker thread or a sink threw.
// `memory_budget`: bytes of photos the threads may hold at once (0: none):
// a thread waits while the others' photos fill it, and a photo larger than
// all of it gets an error row.
RankTiming run_threads(const std::vector<InputFile>& files, const Job& job, OrderedWriter& writer);

}  // namespace photoscore
