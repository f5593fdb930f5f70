#include <algorithm>
#include <cstring>

#include "comm/mpi_ranks.hpp"
#include "run/outcome_codec.hpp"

namespace photoscore::mpi {

void account_photo(ImageOutcome& outcome, double score_wall, const PlanRank& me, RankTiming& timing) {
  // Analyzer seconds are summed over the rank's threads and leave out the
  // shared gray conversion; rescaled to the wall time of scoring, they make
  // decode + analyze add up to the time the photo took here.
  double cpu = 0.0;
  for (double s : outcome.analyzer_seconds) cpu += s;
  for (double& s : outcome.analyzer_seconds) {
    s = cpu > 0.0 ? score_wall * s / cpu : score_wall / static_cast<double>(outcome.analyzer_seconds.size());
  }
  timing.decode += outcome.decode_seconds;
  for (std::size_t k = 0; k < outcome.analyzer_seconds.size() && k < me.analyzers.size(); ++k) {
    timing.analyze[me.analyzers[k]] += outcome.analyzer_seconds[k];
  }
  if (outcome.analyzer_seconds.empty()) timing.decode += score_wall;
  ++timing.images;
}

void send_answer(MPI_Comm world, std::int64_t index, const ImageOutcome& outcome, RankTiming& timing) {
  // The rank's busy seconds so far travel along, for the decode balancer.
  double busy = timing.read + timing.comm + timing.decode;
  for (double s : timing.analyze) busy += s;
  std::vector<std::uint8_t> message(kAnswerHead);
  std::memcpy(message.data(), &index, sizeof index);
  std::memcpy(message.data() + sizeof index, &busy, sizeof busy);
  const std::vector<std::uint8_t> encoded = encode_outcome(outcome);
  message.insert(message.end(), encoded.begin(), encoded.end());
  StageClock clock(timing.comm);
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagResult, world);
  timing.bytes_sent += static_cast<std::int64_t>(message.size());
}

}  // namespace photoscore::mpi
