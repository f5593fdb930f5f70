#include "app/job_from_options.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "analyzers/profile.hpp"
#include "app/exit_codes.hpp"
#include "app/output_list.hpp"
#include "app/provenance.hpp"
#include "app/weights_warning.hpp"
#include "build_info.hpp"
#include "output/dashboard.hpp"
#include "output/error_log.hpp"
#include "output/progress.hpp"
#include "output/text_style.hpp"
#include "output/utf8.hpp"
#include "run/memory_budget.hpp"

namespace photoscore {

Job make_job(const Options& options, Mode mode, Layout layout, int ranks) {
  Job job;
  job.policy = make_policy(options);
  job.limits.max_pixels = static_cast<std::uint64_t>(options.max_megapixels * 1e6);
  // Past 2^44 MiB the product would not fit: converting it would be undefined.
  job.limits.max_file_bytes =
      options.max_file_mb < 0x1p44 ? static_cast<std::uint64_t>(options.max_file_mb * (1 << 20)) : UINT64_MAX;
  job.threads = resolve_threads(options);
  job.in_flight = options.in_flight;
  job.leaders = options.leaders;
  job.read = options.read;
  job.shared_bytes =
      options.shared_mb >= 0 ? static_cast<std::int64_t>(options.shared_mb * 1024.0 * 1024.0) : -1;
  job.memory_budget = options.memory_budget_mb >= 0
                          ? static_cast<std::uint64_t>(options.memory_budget_mb * 1024.0 * 1024.0)
                          : default_memory_budget(1);
  job.timing_table = !options.quiet;
  job.limits.working_resolution = find_profile(options.profile)->working_resolution;  // calibrated profile
  RunInfo& info = job.info;
  info.version = PHOTOSCORE_VERSION;
  info.git_hash = PHOTOSCORE_GIT_HASH;
  info.command_line = options.command_line;
  info.input_dir = options.input_dir;
  info.mode = mode;
  info.layout = layout;
  info.profile = options.profile;
  // MPI follows --read (the runner writes what it chose). In thread mode
  // there is no rank to read for another nor pixels to move: every thread
  // reads and scores its own photos, and /run says so rather than borrow
  // the MPI words. Every layout now decodes a photo once (roles used to
  // decode it on every analyzer rank: "everywhere").
  info.read = mode == Mode::Mpi ? std::string(to_string(options.read)) : kNotApplicableInThreads;
  if (mode != Mode::Mpi) info.pixels = info.jsonl_lines = kNotApplicableInThreads;
  info.decode = "once";
  info.ranks = ranks;
  info.threads_per_rank = job.threads;
  for (const auto* a : job.policy.analyzers) info.analyzers.push_back(a->name);
  info.weights = job.policy.weights;
  info.post_it_above = job.policy.post_it_above;
  info.maybe_above = job.policy.maybe_above;
  if (!options.shard.empty()) info.shard = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  info.slurm_job_id = slurm_job_id();
  info.groups = options.groups.file;
  info.burst_gap = options.groups.burst_gap;
  info.burst_distance = options.groups.burst_distance;
  info.duplicate_distance = options.groups.duplicate_distance;
  add_machine_provenance(info);
  return job;
}

std::vector<InputFile> job_files(const Options& options, RunInfo& info) {
  InputListing listing = job_listing(options);
  // Counted in the summary, so a card's videos and unsupported RAWs are not
  // missed.
  info.skipped = 0;
  for (const auto& [ext, count] : listing.skipped) info.skipped += count;
  info.skipped_by_extension = skipped_summary(listing.skipped);
  info.total = static_cast<std::int64_t>(listing.files.size());  // for progress
  // Said one by one and counted (the summary, /run skipped_folders): a
  // folder passed over silently would look like one without photos.
  for (std::size_t i = 0; i < listing.unreadable_folders.size(); ++i) {
    const std::string reason =
        i < listing.unreadable_reasons.size() ? ": " + listing.unreadable_reasons[i] : "";
    std::fprintf(stderr, "photoscore: cannot read folder %s%s; its photos are not scored\n",
                 for_terminal(listing.unreadable_folders[i]).c_str(), for_terminal(reason).c_str());
  }
  info.skipped_folders = static_cast<std::int64_t>(listing.unreadable_folders.size());
  if (info.skipped_folders > 1) {
    std::fprintf(stderr, "photoscore: %lld folders could not be read; their photos are not scored\n",
                 static_cast<long long>(info.skipped_folders));
  }
  return std::move(listing.files);
}

TextWidths text_widths(const std::vector<InputFile>& files, const std::vector<ScoredRow>& kept, int ranks,
                       std::size_t analyzers) {
  TextWidths widths{1, 1, 1};
  const auto fit = [](std::uint32_t& width, const std::string& text) {
    width = std::max(width, static_cast<std::uint32_t>(as_utf8(text).size()));
  };
  for (const InputFile& f : files) {
    fit(widths.filename, f.filename);
    fit(widths.path, f.path);
  }
  for (const ScoredRow& row : kept) {
    fit(widths.filename, row.filename);
    fit(widths.path, row.path);
  }
  // A photo names at most one rank per analyzer (roles) or one (farm,
  // threads): "12,13,14".
  const std::size_t digits = std::to_string(std::max(0, ranks - 1)).size();
  widths.ranks = static_cast<std::uint32_t>(std::max<std::size_t>(1, analyzers) * (digits + 1) - 1);
  return widths;
}

std::unique_ptr<SinkSet> make_sinks(const Options& options, Job& job, const std::vector<InputFile>& files,
                                    std::optional<std::uint64_t> jsonl_keep) {
  const bool per_photo = !options.quiet && !options.act.no_photos;
  // A terminal under mpirun is not a person's: a batch log gets no colour,
  // emoji or redrawn line (--color always says otherwise).
  const ColorChoice color = options.act.color;
  const bool out_terminal = person_terminal(stdout, color, options.under_launcher);
  const bool err_terminal = person_terminal(stderr, color, options.under_launcher);
  FormatContext& context = job.format;
  context.analyzers = job.policy.analyzers;
  context.widths = text_widths(files, job.resumed, job.info.ranks, job.policy.analyzers.size());
  context.style = text_style(out_terminal, color, options.act.plain);
  context.per_photo = per_photo;
  context.row_offset = static_cast<std::int64_t>(job.resumed.size());
  // The clock the kernel stamps file times with: a photo changed from now on
  // has a change time at least this (one changed in this very tick before
  // counts too, which only costs scoring it again).
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  context.started_ns = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  context.grouping = !options.groups.file.empty();

  auto sinks = std::make_unique<SinkSet>();
  std::shared_ptr<RunGrouping> grouping;
  if (context.grouping) {
    grouping = std::make_shared<RunGrouping>(job.policy.analyzers, grouping_settings(options.groups));
  }
  const SinkInputs inputs{options, job, jsonl_keep, grouping};
  for (const OutputEntry& output : all_outputs()) {
    if (asked_for(output, options)) sinks->add(output.make(inputs));
  }
  warn_about_weights(job.policy, stderr);
  // The progress line is erased before the lines printed per photo and
  // drawn again after them.
  std::unique_ptr<ProgressSink> progress;
  if (!options.quiet) {
    progress = std::make_unique<ProgressSink>(stderr, err_terminal, options.act.progress_seconds);
    if (err_terminal) sinks->add(progress->eraser(per_photo && out_terminal));
  }
  sinks->add(std::make_unique<ErrorLog>(stderr));
  sinks->add(std::make_unique<Dashboard>(stdout, context, options.jsonl, options.h5, grouping));
  if (progress) sinks->add(std::move(progress));
  job.formats = sinks->formats();
  return sinks;
}

int exit_code_for(const RunInfo& info, bool fail_on_errors) {
  if (!info.interrupted_by.empty()) return kExitInterrupted;
  return fail_on_errors && info.errors > 0 ? kExitSomeUnscored : kExitAllScored;
}

}  // namespace photoscore
