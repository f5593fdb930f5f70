#pragma once
// The command line: everything a run can be told, parsed with CLI11.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/act_options.hpp"
#include "app/group_options.hpp"
#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "record/run_mode.hpp"

namespace photoscore {

struct Options {
  std::string input_dir;
  std::optional<Mode> mode;      // unset: by world size
  Layout layout = Layout::Roles;  // MPI layout: roles or farm
  int threads = 0;              // OpenMP threads per rank; 0: OMP_NUM_THREADS or all cores
  std::string jsonl = "photo_scores.jsonl";
  std::string h5 = "photo_scores.h5";
  std::string csv;  // empty: no CSV
  bool quiet = false;
  bool fail_on_errors = false;         // --fail-on-errors: exit 1 when some file has an error row
  std::vector<std::string> analyzers;  // empty: the default ones
  std::string weights;                 // "" or a list, see --help
  std::string thresholds;              // "" or "POST_IT,MAYBE"
  long long max_images = -1;
  std::string shard;  // "I/N"
  int shard_index = 0;
  int shard_count = 1;
  double max_megapixels = 500.0;
  double max_file_mb = static_cast<double>(kDefaultMaxFileBytes >> 20);
  double memory_budget_mb = -1.0;  // --memory-budget; < 0: from the machine, 0: none
  // --- decoder isolation ---
  bool decoders_in_process = false;  // --decoders in-process: no helper processes
  double decode_timeout = 60.0;      // --decode-timeout: seconds a helper may take per photo
  int in_flight = 3;  // photos in flight per analyzer group (MPI)
  LeaderMode leaders = LeaderMode::Auto;  // --leaders
  double shared_mb = -1.0;  // --shared-mb: MiB of a roles member's part of the window; < 0: the default
  ReadMode read = ReadMode::Auto;  // MPI: who reads the files (--read)
  std::string command_line;
  bool recursive = false;  // --recursive: subfolders too
  bool list = false;       // --list: report what would be scored, score nothing
  std::string profile = "seed";  // --profile, see analyzers/profile.hpp
  ActOptions act;                // progress, --link-into, --xmp, --report, --summary-json, --plain, --color
  GroupOptions groups;           // --groups FILE and its thresholds
  // Not an option: set at start-up when an MPI launcher (mpirun, srun)
  // started the process, whose terminal is then not a person's.
  bool under_launcher = false;
  // --- safety ---
  bool force = false;   // --force: existing results may be replaced
  bool resume = false;  // --resume: keep the JSONL's rows, score the rest
};

// What parse_options decided: run, or stop with this exit code after
// printing `message` (help and version text go to stdout, errors to stderr).
struct ParseResult {
  Options options;
  bool stop = false;
  int exit_code = 0;
  std::string message;
  bool message_is_error = false;
};

ParseResult parse_options(int argc, char** argv);

// The analyzers, weights and thresholds the options ask for; throws
// std::invalid_argument with a one-line message when they make no sense.
MergePolicy make_policy(const Options& options);

// Threads per rank: --threads, else OMP_NUM_THREADS, else the cores.
int resolve_threads(const Options& options);

// The most --threads accepted: past a few dozen threads a core the OpenMP
// runtime runs out of stacks and crashes rather than failing cleanly.
int max_threads();
// The most --max-megapixels accepted: larger would overflow the pixel count.
constexpr double kMaxMegapixels = 1e6;
// The most --decode-timeout accepted: a day.
constexpr double kMaxDecodeTimeout = 86400.0;
// The most --shard N accepted.
constexpr long long kMaxShards = 1000000;

// What the scores depend on, as one line of NAME=VALUE words: profile,
// analyzers, weights, thresholds, --max-megapixels, --recursive, --shard,
// and kGroupingColumns when the rows have the grouping schema's columns
// (--groups). Recorded beside the JSONL (NAME.meta) and in /run; --resume
// refuses to add rows to a JSONL scored with another one.
std::string scoring_options(const Options& options, const MergePolicy& policy);
// The word a grouping run's rows add (a run without --groups writes the
// line it always did).
inline constexpr const char* kGroupingColumns = "columns=grouping";

}  // namespace photoscore
