#pragma once
// From the options to what a run needs: the job every rank shares, the
// files, the sinks.
#include <memory>
#include <vector>

#include "app/options.hpp"
#include "output/row_sink.hpp"
#include "run/input_files.hpp"
#include "run/job.hpp"

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

// JSONL, HDF5, the error lines on stderr and the dashboard, in that order.
std::unique_ptr<SinkSet> make_sinks(const Options& options, const Job& job);

// 0 when every photo was scored, 1 when some could not be.
int exit_code_for(const RunInfo& info);

}  // namespace photoscore
