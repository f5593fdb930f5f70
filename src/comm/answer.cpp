// A rank's part of a photo's outcome, on its way to its group's merging rank
// (comm/row_assembler.hpp), and the timing of a scored photo.
#include <algorithm>
#include <cstring>

#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
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

double busy_seconds(const RankTiming& timing) {
  double busy = timing.read + timing.comm + timing.decode + timing.merge;
  for (double s : timing.analyze) busy += s;
  return busy;
}

void send_part(MPI_Comm world, int merger, std::int64_t seq, const ImageOutcome& outcome, RankTiming& timing) {
  // The rank's busy seconds so far travel along, for rank 0's balancing.
  const double busy = busy_seconds(timing);
  std::vector<std::uint8_t> message(kPartHead);
  std::memcpy(message.data(), &seq, sizeof seq);
  std::memcpy(message.data() + sizeof seq, &busy, sizeof busy);
  const std::vector<std::uint8_t> encoded = encode_outcome(outcome);
  message.insert(message.end(), encoded.begin(), encoded.end());
  StageClock clock(timing.comm);
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, merger, kTagPart, world);
  timing.bytes_sent += static_cast<std::int64_t>(message.size());
}

bool receive_part(MPI_Comm world, Part& part) {
  std::string message;
  if (!receive_arrived(world, MPI_ANY_SOURCE, kTagPart, message, part.rank)) return false;
  if (message.size() < kPartHead) throw std::runtime_error("a part of an outcome cut short");
  std::memcpy(&part.seq, message.data(), sizeof part.seq);
  std::memcpy(&part.busy, message.data() + sizeof part.seq, sizeof part.busy);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(message.data());
  part.outcome = decode_outcome(std::span(bytes, message.size()).subspan(kPartHead));
  return true;
}

}  // namespace photoscore::mpi
