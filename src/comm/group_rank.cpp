// A farm worker: a group of one, which receives each photo's payload from
// rank 0 (its bytes, or with --read workers its path, and then reads the
// file itself), decodes and scores it with every analyzer, and answers.
#include <algorithm>
#include <string>

#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
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
  std::vector<std::uint8_t> payload_bytes;
  std::vector<std::uint8_t> file;
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
      payload_bytes.resize(static_cast<std::size_t>(h.bytes));
      requests.clear();
      payload(world, 0, false, payload_bytes, requests);
      poll_until([&] { return test_all(requests); });
      // Posted before scoring, so rank 0's next header lands meanwhile.
      channel.header(next, header_request);
    }
    if (!rank_responds(me, h.seq)) continue;

    ImageOutcome outcome;
    std::string error;
    const std::vector<std::uint8_t>* bytes = photo_bytes(job, payload_bytes, file, error, timing);
    const double t0 = MPI_Wtime();
    outcome = bytes ? process_image(*bytes, scorer, job.limits) : failed_outcome(error, 0.0);
    account_photo(outcome, std::max(0.0, MPI_Wtime() - t0 - outcome.decode_seconds), me, timing);
    send_answer(world, h.index, outcome, timing);
  }
  timing.wall = MPI_Wtime() - start;
  return timing;
}

}  // namespace photoscore::mpi
