#include "output/h5_provenance.hpp"

#include "output/h5_attributes.hpp"

namespace photoscore::h5 {

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// Every rank's bytes sent over the rows written: what one photo cost the
// network (or the node's memory) in this run.
double bytes_sent_per_photo(const RunInfo& info) {
  double bytes = 0.0;
  for (const RankTiming& t : info.rank_timings) bytes += static_cast<double>(t.bytes_sent);
  return info.images > 0 ? bytes / static_cast<double>(info.images) : 0.0;
}

}  // namespace

void write_provenance(hid_t run_group, const RunInfo& info, const std::string& path) {
  Attributes run(run_group, path);
  run.str("photoscore_version", info.version);
  run.str("git_hash", info.git_hash);
  run.str("command_line", info.command_line);
  run.str("input_dir", info.input_dir);
  run.str("mode", std::string(to_string(info.mode)));
  run.str("layout", std::string(to_string(info.layout)));
  run.str("profile", info.profile);
  run.i32("ranks", info.ranks);
  run.i32("threads_per_rank", info.threads_per_rank);
  run.str("hostname", join(info.hosts, ","));
  run.strings("hosts", info.hosts);
  run.str("start_time", info.start_time);
  run.str("end_time", info.end_time);
  run.f64("wall_seconds", info.wall_seconds);
  run.i64("images", info.images);
  run.i64("errors", info.errors);
  run.f64s("weights", info.weights);
  run.f64s("thresholds", {info.post_it_above, info.maybe_above});
  run.strings("analyzers", info.analyzers);
  run.str("plan", info.plan);
  run.str("read", info.read);
  run.str("decode", info.decode);
  run.str("pixels", info.pixels);
  run.str("jsonl_lines", info.jsonl_lines);
  run.f64("bytes_sent_per_photo", bytes_sent_per_photo(info));
  run.str("shard", info.shard);
  run.str("slurm_job_id", info.slurm_job_id);
  run.i64("skipped", info.skipped);
  run.str("skipped_by_extension", info.skipped_by_extension);
  run.i64("skipped_folders", info.skipped_folders);
  // Provenance for scaling studies; docs/hdf5.md.
  run.str("compiler", info.compiler);
  run.str("compiler_flags", info.compiler_flags);
  run.str("mpi_library", info.mpi_library);
  run.str("hdf5_version", info.hdf5_version);
  run.str("libraries", info.libraries);
  run.str("cpu_model", info.cpu_model);
  run.str("kernels", info.kernels);
  run.str("thread_binding", info.thread_binding);
  // Whether the run finished, and what it kept.
  // complete=0: a signal stopped the run; /scores holds the rows finished,
  // and --resume scores the rest.
  run.i32("complete", info.complete() ? 1 : 0);
  run.str("interrupted_by", info.interrupted_by);
  run.i64("resumed", info.resumed);
  run.str("scoring_options", info.scoring_options);
  // What joined the groups of /groups (only in a run with --groups).
  if (!info.groups.empty()) {
    run.str("groups", info.groups);
    run.f64("burst_gap", info.burst_gap);
    run.i32("burst_distance", info.burst_distance);
    run.i32("duplicate_distance", info.duplicate_distance);
  }
  // Sidecars and links that could not be made (each photo scored all the same).
  run.i64("warnings", info.warnings);
}

}  // namespace photoscore::h5
