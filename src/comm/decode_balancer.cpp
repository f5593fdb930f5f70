#include "comm/decode_balancer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace photoscore {

DecodeBalancer::DecodeBalancer(PlanGroup group)
    : group_(std::move(group)),
      busy_(group_.ranks.size(), 0.0),
      queued_(group_.ranks.size(), 0.0),
      booked_(group_.ranks.size()),
      analyze_sum_(group_.ranks.size(), 0.0),
      analyze_weight_(group_.ranks.size(), 0.0) {}

std::size_t DecodeBalancer::member(int rank) const {
  const auto it = std::find(group_.ranks.begin(), group_.ranks.end(), rank);
  if (it == group_.ranks.end()) throw std::invalid_argument("rank " + std::to_string(rank) + " is not in the group");
  return static_cast<std::size_t>(it - group_.ranks.begin());
}

double DecodeBalancer::expected_busy(int rank) const {
  const std::size_t m = member(rank);
  return busy_[m] + queued_[m];
}

int DecodeBalancer::assign(std::int64_t seq, double weight) {
  const std::vector<int> responders = group_responders(group_, seq);
  // Until a decode has been measured, a decode costs 1 and analyzing
  // nothing: the queues then count decodes, which gives plain turns.
  const double decode = decode_weight_ > 0.0 ? weight * decode_sum_ / decode_weight_ : 1.0;
  const auto g = static_cast<std::int64_t>(group_.ranks.size());
  int best = -1;
  double least = 0.0;
  for (std::int64_t k = 0; k < g; ++k) {
    // Members in turn order from photo seq's own, so ties go to i mod g.
    const int rank = group_.ranks[static_cast<std::size_t>((seq + k) % g)];
    if (std::find(responders.begin(), responders.end(), rank) == responders.end()) continue;
    const double busy = expected_busy(rank);
    if (best < 0 || busy < least - 1e-9 * (1.0 + std::abs(least))) {
      best = rank;
      least = busy;
    }
  }
  for (int rank : responders) {
    const std::size_t m = member(rank);
    double work = analyze_weight_[m] > 0.0 ? weight * analyze_sum_[m] / analyze_weight_[m] : 0.0;
    if (rank == best) work += decode;
    queued_[m] += work;
    booked_[m].push_back({seq, weight, rank == best, work});
  }
  return best;
}

void DecodeBalancer::learn(int rank, std::int64_t seq, double weight, double decode_seconds, double analyze_seconds,
                           double busy_seconds) {
  const std::size_t m = member(rank);
  std::deque<Booked>& booked = booked_[m];
  const auto it = std::find_if(booked.begin(), booked.end(), [&](const Booked& b) { return b.seq == seq; });
  if (it != booked.end()) {
    queued_[m] = std::max(0.0, queued_[m] - it->work);
    booked.erase(it);
  }
  busy_[m] = std::max(busy_[m], busy_seconds);
  if (weight <= 0.0) return;
  if (decode_seconds > 0.0) {
    decode_sum_ += decode_seconds;
    decode_weight_ += weight;
  }
  analyze_sum_[m] += analyze_seconds;
  analyze_weight_[m] += weight;
}

void DecodeBalancer::learn_block(int rank, std::int64_t seq_end, double decode_seconds, double analyze_seconds,
                                 double busy_seconds) {
  const std::size_t m = member(rank);
  std::deque<Booked>& booked = booked_[m];
  double decoded = 0.0;
  double answered = 0.0;
  while (!booked.empty() && booked.front().seq < seq_end) {
    const Booked& b = booked.front();
    queued_[m] = std::max(0.0, queued_[m] - b.work);
    decoded += b.decodes ? b.weight : 0.0;
    answered += b.weight;
    booked.pop_front();
  }
  busy_[m] = std::max(busy_[m], busy_seconds);
  if (decoded > 0.0 && decode_seconds > 0.0) {
    decode_sum_ += decode_seconds;
    decode_weight_ += decoded;
  }
  if (answered > 0.0) {
    analyze_sum_[m] += analyze_seconds;
    analyze_weight_[m] += answered;
  }
}

}  // namespace photoscore
