#pragma once
// What every rank knows about the run, decided once at start-up from the
// options: the runners only move photos and rows.
#include <cstdint>

#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "output/row_format.hpp"
#include "output/row_sink.hpp"
#include "record/run_info.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

struct Job {
  MergePolicy policy;
  DecodeLimits limits;
  int threads = 1;           // OpenMP threads per rank
  int in_flight = 3;         // MPI: photos rank 0 keeps in flight per group
  ReadMode read = ReadMode::Auto;  // MPI: who reads the files
  LeaderMode leaders = LeaderMode::Auto;  // MPI: rank 0 deals to a leader a node
  std::int64_t shared_bytes = -1;  // MPI roles: bytes of a member's part of the window; < 0: the default
  bool timing_table = true;  // the per-rank table after the summary
  std::uint64_t memory_budget = 0;  // bytes of photos held at once per rank; 0: none
  RunInfo info;              // provenance; completed on the writing rank
  // How rows are formatted where they are scored: the writing rank's sinks'
  // formats (SinkSet::formats) and their context. Under MPI rank 0 sends
  // both to the ranks that score.
  std::vector<RowFormat> formats;
  FormatContext format;
  // --resume: the rows kept from the earlier run's JSONL, on the writing
  // rank; the runners' file list starts after them.
  std::vector<ScoredRow> resumed;
};

// Sets job.formats from the sinks the rows go to, and the format context's
// analyzers from the policy where nobody set them (a caller with sinks of
// its own): the runners format what those sinks take.
inline void bind_formats(Job& job, const RowSink& sinks) {
  job.formats = sinks.formats();
  if (job.format.analyzers.empty()) job.format.analyzers = job.policy.analyzers;
  job.format.row_offset = static_cast<std::int64_t>(job.resumed.size());
}

}  // namespace photoscore
