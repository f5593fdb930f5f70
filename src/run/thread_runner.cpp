#include "run/thread_runner.hpp"

#include <omp.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>

#include "run/process_image.hpp"
#include "run/read_file.hpp"

namespace photoscore {

namespace {

struct Pending {
  ScoredRow row;
  ImageTiming timing;
  double finished_at = 0.0;
};

}  // namespace

void run_threads(const std::vector<InputFile>& files, const MergePolicy& policy, const DecodeLimits& limits,
                 int threads, RowSink& sink, RunInfo& info) {
  const std::size_t n = files.size();
  const std::size_t count = policy.analyzers.size();
  // How far ahead of the oldest unwritten photo a thread may run: bounds the
  // rows held back behind one slow photo.
  const std::size_t window = 64 * static_cast<std::size_t>(threads);
  RankTiming timing;
  timing.rank = 0;
  timing.role = "threads";
  timing.host = this_host();
  timing.analyze.assign(count, 0.0);
  const double start = omp_get_wtime();

  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::condition_variable room;
  std::map<std::size_t, Pending> ready;
  std::size_t written = 0;
  bool draining = false;
  std::exception_ptr failure;
  std::atomic<bool> failed{false};

#pragma omp parallel num_threads(threads)
  {
    ImageScorer scorer(policy.analyzers, 1);
    std::vector<std::uint8_t> bytes;
    RankTiming mine;
    mine.analyze.assign(count, 0.0);
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n || failed) break;
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return i < written + window || failed; });
      }
      if (failed) break;
      Pending p;
      const double t_read = omp_get_wtime();
      std::string read_error;
      const bool readable = read_file(files[i].path, bytes, read_error, limits.max_file_bytes);
      p.timing.read_seconds = omp_get_wtime() - t_read;
      ImageOutcome outcome;
      if (readable) {
        outcome = process_image(bytes, scorer, limits);
      } else {
        outcome.error = read_error;
      }
      p.timing.ranks = {0};
      p.timing.decode_seconds = outcome.decode_seconds;
      p.timing.analyzer_seconds = outcome.analyzer_seconds;
      p.timing.analyzer_seconds.resize(count, 0.0);
      mine.read += p.timing.read_seconds;
      mine.decode += outcome.decode_seconds;
      for (std::size_t a = 0; a < count; ++a) mine.analyze[a] += p.timing.analyzer_seconds[a];
      p.row = make_row(files[i], std::move(outcome));
      p.finished_at = omp_get_wtime();
      p.timing.latency_seconds = p.finished_at - t_read;

      std::unique_lock lock(mutex);
      ready.emplace(i, std::move(p));
      if (draining) continue;
      // This thread writes every row that is next in file order; the others
      // keep scoring meanwhile.
      draining = true;
      try {
        for (auto it = ready.find(written); it != ready.end(); it = ready.find(written)) {
          Pending row = std::move(it->second);
          ready.erase(it);
          lock.unlock();
          const double t_merge = omp_get_wtime();
          merge_scores(policy, row.row);
          const double t_write = omp_get_wtime();
          row.timing.latency_seconds += t_write - row.finished_at;
          sink.write(row.row, row.timing);
          const double t_done = omp_get_wtime();
          mine.merge += t_write - t_merge;
          mine.write += t_done - t_write;
          ++mine.images;
          lock.lock();
          info.errors += row.row.ok ? 0 : 1;
          ++written;
          room.notify_all();
        }
      } catch (...) {
        if (!lock.owns_lock()) lock.lock();
        failure = std::current_exception();
        failed = true;
        room.notify_all();
      }
      draining = false;
    }
#pragma omp critical(photoscore_thread_timing)
    {
      timing.read += mine.read;
      timing.decode += mine.decode;
      for (std::size_t a = 0; a < count; ++a) timing.analyze[a] += mine.analyze[a];
      timing.merge += mine.merge;
      timing.write += mine.write;
      timing.images += mine.images;
    }
  }
  if (failure) std::rethrow_exception(failure);
  info.images = static_cast<std::int64_t>(written);
  timing.wall = omp_get_wtime() - start;
  info.rank_timings = {timing};
}

}  // namespace photoscore
