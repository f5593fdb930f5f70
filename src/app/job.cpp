#include "app/job.hpp"

#include <cstdio>

#include "build_info.hpp"
#include "output/dashboard.hpp"
#include "output/error_log.hpp"
#include "output/h5_sink.hpp"
#include "output/jsonl_sink.hpp"

namespace photoscore {

Job make_job(const Options& options, const std::string& mode, const std::string& layout, int ranks) {
  Job job;
  job.options = options;
  job.policy = make_policy(options);
  job.limits.max_pixels = static_cast<std::uint64_t>(options.max_megapixels * 1e6);
  job.limits.max_file_bytes = static_cast<std::uint64_t>(options.max_file_mb * (1 << 20));
  job.threads = resolve_threads(options);
  RunInfo& info = job.info;
  info.version = PHOTOSCORE_VERSION;
  info.git_hash = PHOTOSCORE_GIT_HASH;
  info.command_line = options.command_line;
  info.input_dir = options.input_dir;
  info.mode = mode;
  info.layout = layout;
  info.ranks = ranks;
  info.threads_per_rank = job.threads;
  for (const auto* a : job.policy.analyzers) info.analyzers.push_back(a->name);
  info.weights = job.policy.weights;
  info.post_it_above = job.policy.post_it_above;
  info.maybe_above = job.policy.maybe_above;
  if (!options.shard.empty()) info.shard = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  info.slurm_job_id = slurm_job_id();
  return job;
}

std::vector<InputFile> job_files(const Job& job) {
  std::vector<InputFile> files = list_input_files(job.options.input_dir);
  if (files.empty()) {
    throw InputError("no photos in " + job.options.input_dir + " (looked for .jpg .jpeg .png .bmp .tiff .webp)");
  }
  if (job.options.shard_count > 1) files = select_shard(files, job.options.shard_index, job.options.shard_count);
  if (job.options.max_images >= 0 && files.size() > static_cast<std::size_t>(job.options.max_images)) {
    files.resize(static_cast<std::size_t>(job.options.max_images));
  }
  return files;
}

std::unique_ptr<SinkSet> make_sinks(const Job& job) {
  auto sinks = std::make_unique<SinkSet>();
  sinks->add(std::make_unique<JsonlSink>(job.options.jsonl, job.policy.analyzers));
  sinks->add(std::make_unique<H5Sink>(job.options.h5, job.policy.analyzers));
  sinks->add(std::make_unique<ErrorLog>(stderr));
  sinks->add(std::make_unique<Dashboard>(stdout, job.policy.analyzers, !job.options.quiet, job.options.jsonl,
                                         job.options.h5));
  return sinks;
}

int exit_code_for(const RunInfo& info) { return info.errors > 0 ? 1 : 0; }

}  // namespace photoscore
