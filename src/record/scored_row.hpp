#pragma once
// One photo's merged outcome: what every sink (JSONL, HDF5, dashboard)
// writes, in the order of the sorted file list.
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "record/verdict.hpp"

namespace photoscore {

struct ScoredRow {
  std::string filename;  // the file's name inside the input folder
  std::string path;      // as it was opened
  bool ok = false;       // false: `error` says why, and there are no scores
  std::string error;     // one line
  int width = 0;
  int height = 0;
  // A camera RAW's "embedded preview" or "demosaiced"; empty, and no JSONL
  // key, for every other format, so ordinary rows keep their bytes.
  std::string source;
  // For grouping bursts and duplicates (docs/groups.md), ok rows: the
  // perceptual hash as 16 hex digits, and when the photo was taken
  // (image/capture_time.hpp's text; empty when unknown).
  std::string perceptual_hash;
  std::string capture_time;
  double quality_score = 0.0;  // rounded to 3 decimals
  Verdict verdict = Verdict::Error;     // once merged, an ok row's post_it, maybe or delete
  std::vector<AnalyzerResult> results;  // one per selected analyzer, when ok
  // Not a column: the file as it was read, SIZE:MTIME_NS:CTIME_NS:INODE
  // ("" or "none" when it was not), for the JSONL's .meta (--resume).
  std::string identity;
};

// Per-image timings, kept beside the row for the HDF5 file's /timing/images.
struct ImageTiming {
  std::vector<int> ranks;  // the ranks that worked on this photo
  double read_seconds = 0.0;
  double decode_seconds = 0.0;  // summed over the ranks that decoded it
  std::vector<double> analyzer_seconds;  // per selected analyzer
  double latency_seconds = 0.0;  // from read to merged, on rank 0's clock
};

}  // namespace photoscore
