#pragma once
// Every output a run can be asked for, in one list: what it is, the option
// that names it, how its sink is made. make_sinks makes the sinks from it,
// in its order; prepare_outputs (output_guard.cpp) checks, locks and
// refuses the outputs it names. A new output is its sink, its option
// (options.cpp or act_options.cpp) and one entry here (plus CMake).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/options.hpp"
#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

// What the guard does with an output.
enum class OutputKind {
  File,        // a file of results: refused when it exists (unless --force or --resume), locked as FILE.lock
  LinkFolder,  // a folder of links, locked beside it as DIR.lock
  Sidecars,    // a file beside each photo, locked as the input folder's .photoscore-xmp.lock
};

// What a sink is made from.
struct SinkInputs {
  const Options& options;
  const Job& job;
  std::optional<std::uint64_t> jsonl_keep;  // --resume: bytes of the JSONL's whole rows to keep
  // --groups: the run's one grouping, fed by the groups file's sink and read
  // by every sink that shows groups; null when the run does not group.
  std::shared_ptr<RunGrouping> grouping;
};

struct OutputEntry {
  std::string_view flag;  // as --help names it: "--jsonl"
  OutputKind kind;
  // A File written through a partial file: what that file starts with, so a
  // run killed outright leaves none behind (remove_dead_partials); "" for
  // one written in place (the JSONL).
  std::string_view partial_magic;
  // Every run's (the JSONL, the HDF5 file): made whatever its path says.
  bool always;
  // Its path, "" when the run was not asked for it (the sidecars: the input
  // folder, with --xmp).
  std::string (*path)(const Options& options);
  std::unique_ptr<RowSink> (*make)(const SinkInputs& inputs);
};

// In the order their sinks are made: the results (HDF5, CSV, JSONL), then
// what acts on the verdicts.
std::span<const OutputEntry> all_outputs();

// Whether the run writes `output`.
bool asked_for(const OutputEntry& output, const Options& options);

// The entry of the JSONL, the archive the others' rows come from (--resume
// reads it): checked first.
const OutputEntry& jsonl_output();

}  // namespace photoscore
