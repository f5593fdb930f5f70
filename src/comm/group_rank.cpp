#include <algorithm>
#include <cstring>

#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "run/outcome_codec.hpp"
#include "run/process_image.hpp"

namespace photoscore::mpi {

RankTiming run_group_rank(const Job& job, const MpiPlan& plan, const GroupChannel& channel, MPI_Comm world,
                          int rank) {
  const std::size_t count = job.policy.analyzers.size();
  const PlanRank& me = plan.ranks[static_cast<std::size_t>(rank)];
  std::vector<const AnalyzerSpec*> mine;
  for (std::size_t a : me.analyzers) mine.push_back(job.policy.analyzers[a]);
  // One photo at a time here, so its strips use every thread of the rank.
  ImageScorer scorer(mine, job.threads);

  RankTiming timing = empty_timing(count);
  const double start = MPI_Wtime();
  Header next{};
  MPI_Request header_request;
  channel.header(next, header_request);
  std::vector<std::uint8_t> bytes;
  std::vector<MPI_Request> requests;
  for (;;) {
    {
      StageClock clock(timing.wait);
      poll_until([&] { return test(header_request); });
    }
    const Header h = next;
    if (h.end) break;
    {
      StageClock clock(timing.comm);
      bytes.resize(static_cast<std::size_t>(h.bytes));
      requests.clear();
      channel.bytes(bytes, requests);
      poll_until([&] { return test_all(requests); });
      // Posted before scoring, so rank 0's next header lands meanwhile.
      channel.header(next, header_request);
    }
    if (!rank_responds(me, h.seq)) continue;

    const double t0 = MPI_Wtime();
    ImageOutcome outcome = process_image(bytes, scorer, job.limits);
    const double spent = MPI_Wtime() - t0;
    // Analyzer seconds are summed over the rank's threads and leave out the
    // shared gray conversion; rescaled to the wall time after decoding, they
    // make decode + analyze add up to the time the photo took here.
    const double analyze_wall = std::max(0.0, spent - outcome.decode_seconds);
    double cpu = 0.0;
    for (double s : outcome.analyzer_seconds) cpu += s;
    for (double& s : outcome.analyzer_seconds) {
      s = cpu > 0.0 ? analyze_wall * s / cpu : analyze_wall / static_cast<double>(outcome.analyzer_seconds.size());
    }
    timing.decode += outcome.decode_seconds;
    for (std::size_t k = 0; k < outcome.analyzer_seconds.size(); ++k) {
      timing.analyze[me.analyzers[k]] += outcome.analyzer_seconds[k];
    }
    if (outcome.analyzer_seconds.empty()) timing.decode += analyze_wall;
    ++timing.images;

    std::vector<std::uint8_t> message(sizeof h.index);
    std::memcpy(message.data(), &h.index, sizeof h.index);
    const std::vector<std::uint8_t> encoded = encode_outcome(outcome);
    message.insert(message.end(), encoded.begin(), encoded.end());
    StageClock clock(timing.comm);
    MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagResult, world);
  }
  timing.wall = MPI_Wtime() - start;
  return timing;
}

}  // namespace photoscore::mpi
