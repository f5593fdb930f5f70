#include "run/thread_runner.hpp"

#include <atomic>
#include <exception>

#include "image/clock.hpp"
#include "run/memory_budget.hpp"
#include "run/ordered_writer.hpp"
#include "run/process_image.hpp"
#include "run/stop_signal.hpp"

namespace photoscore {

namespace {

std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }

}  // namespace

RankTiming run_threads(const std::vector<InputFile>& files, const Job& job, OrderedWriter& writer) {
  const MergePolicy& policy = job.policy;
  const DecodeLimits& limits = job.limits;
  const int threads = job.threads;
  MemoryBudget budget(job.memory_budget);
  const std::size_t n = files.size();
  const std::size_t count = policy.analyzers.size();
  RankTiming timing;
  timing.analyze.assign(count, 0.0);
  std::atomic<std::size_t> next{0};

#pragma omp parallel num_threads(threads)
  {
    RankTiming mine;
    mine.analyze.assign(count, 0.0);
    // Nothing may escape an OpenMP region: a failure here (anything but the
    // photo's own, which process_image turns into an error row) ends the
    // writer, every other thread stops at its next photo, and the caller
    // rethrows it once the region is over.
    try {
      ImageScorer scorer(policy.analyzers, 1);
      RowBlockBuilder rows(job.formats, job.format);
      std::vector<std::uint8_t> bytes;
      for (;;) {
        // Looked at before a photo is taken, never after: every photo taken
        // is finished, so the rows written stay a prefix of the file list.
        if (stop_requested()) break;
        const std::size_t i = next.fetch_add(1);
        if (i >= n || !writer.wait_for_room(i)) break;
        ImageTiming timing_of_photo;
        const double started_at = seconds_now();
        const PhotoMemory estimate =
            budget.total() ? photo_memory_estimate(files[i].path, limits) : PhotoMemory{};
        const std::uint64_t need = estimate.bytes;
        ImageOutcome outcome;
        if (!budget.acquire(need)) {
          outcome.error = "needs about " + megabytes(need) + ", more than the memory budget of " +
                          megabytes(budget.total()) + " (--memory-budget)";
        } else {
          const Reservation held(budget, need);
          // A decoder helper's address space follows the photo's estimate.
          DecodeLimits photo_limits = limits;
          photo_limits.decoder_memory = decoder_allowance(estimate, budget.total());
          outcome = read_and_process(files[i].path, bytes, scorer, photo_limits, timing_of_photo.read_seconds,
                                     job.format.grouping);
          // A large photo's buffers would stay allocated for the next one, outside
          // the budget: give them back.
          if (need > budget.total() / static_cast<std::uint64_t>(threads)) {
            scorer.release_buffers();
            std::vector<std::uint8_t>().swap(bytes);
          }
        }
        if (decode_stopped(outcome)) {
          // Abandoned as the run stopped: no row, and the writer writes none after it.
          rows.add_stopped(static_cast<std::int64_t>(i));
          writer.finish(rows.take());
          break;
        }
        timing_of_photo.ranks = {0};
        timing_of_photo.decode_seconds = outcome.decode_seconds;
        timing_of_photo.analyzer_seconds = outcome.analyzer_seconds;
        timing_of_photo.analyzer_seconds.resize(count, 0.0);
        mine.read += timing_of_photo.read_seconds;
        mine.decode += outcome.decode_seconds;
        for (std::size_t a = 0; a < count; ++a) mine.analyze[a] += timing_of_photo.analyzer_seconds[a];
        // Merged and formatted here, in parallel: the writer only appends.
        const double t_merge = seconds_now();
        const ScoredRow row = finished_row(files[i], std::move(outcome), policy);
        timing_of_photo.latency_seconds = seconds_now() - started_at;
        rows.add(row, timing_of_photo, static_cast<std::int64_t>(i));
        mine.merge += seconds_now() - t_merge;
        writer.finish(rows.take());
      }
    } catch (...) {
      writer.fail(std::current_exception());
    }
#pragma omp critical(photoscore_thread_timing)
    {
      timing.read += mine.read;
      timing.decode += mine.decode;
      timing.merge += mine.merge;
      for (std::size_t a = 0; a < count; ++a) timing.analyze[a] += mine.analyze[a];
    }
  }
  writer.rethrow_failure();
  const RankTiming written = writer.timing();
  timing.write = written.write;
  timing.images = written.images;
  return timing;
}

}  // namespace photoscore
