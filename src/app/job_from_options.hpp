#pragma once
// From the options to what a run needs: the job every rank shares, the
// files, the sinks.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "app/options.hpp"
#include "output/row_sink.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

Job make_job(const Options& options, Mode mode, Layout layout, int ranks);

// The files this run scores: the folder's photos, this shard's share, and at
// most --max-images of them. Throws InputError for an unusable folder.
// Files passed over for their extension go into info (the summary shows
// them); folders that cannot be read get a line on stderr.
std::vector<InputFile> job_files(const Options& options, RunInfo& info);
// The same with what was passed over (by extension, unreadable folders),
// printing nothing.
InputListing job_listing(const Options& options);
// --list: what would be scored, on stdout; returns the exit code.
int list_photos(const Options& options, const Job& job);

// HDF5, CSV, JSONL, the sinks that act on verdicts (act_sinks.hpp), the
// progress line's eraser, the error lines on stderr, the dashboard and the
// progress line, in that order: the JSONL opens (and cuts an older file) only once the sinks
// before it have opened. `jsonl_keep`: --resume's bytes of whole rows.
// Sets job.formats and job.format, how the rows for these sinks are
// formatted: text widths from `files` and the kept rows, and for a run of
// `ranks` ranks.
std::unique_ptr<SinkSet> make_sinks(const Options& options, Job& job, const std::vector<InputFile>& files,
                                    std::optional<std::uint64_t> jsonl_keep = {});

// The widths of the text columns for `files` and the rows kept from an
// earlier run, in a run of `ranks` ranks with `analyzers` analyzers.
TextWidths text_widths(const std::vector<InputFile>& files, const std::vector<ScoredRow>& kept, int ranks,
                       std::size_t analyzers);

// 0 when the run completed (every file has its row, error rows included),
// 4 when a signal stopped it first; 1 when some files have error rows and
// `fail_on_errors` (--fail-on-errors).
int exit_code_for(const RunInfo& info, bool fail_on_errors);
// The error rows counted in one line on `out` (nothing when there are none),
// with what they make of the exit status.
void print_error_count(std::FILE* out, const RunInfo& info, bool fail_on_errors);

}  // namespace photoscore
