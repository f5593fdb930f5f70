// Who decodes each photo of a roles group (DecodeBalancer).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "comm/decode_balancer.hpp"

namespace photoscore {
namespace {

// ------------------------------------------- who decodes which photo (roles)

std::vector<int> decoders(DecodeBalancer& balancer, std::int64_t from, std::int64_t to) {
  std::vector<int> out;
  for (std::int64_t seq = from; seq < to; ++seq) out.push_back(balancer.assign(seq, 1.0));
  return out;
}

TEST(DecodeBalancer, BeforeAnyAnswerMembersTakeTurns) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  DecodeBalancer balancer(plan.groups[0]);
  EXPECT_EQ(decoders(balancer, 0, 7), (std::vector<int>{1, 2, 3, 1, 2, 3, 1}));
  const MpiPlan two = make_mpi_plan(Layout::Roles, 3, 3);
  DecodeBalancer pair(two.groups[0]);
  EXPECT_EQ(decoders(pair, 0, 4), (std::vector<int>{1, 2, 1, 2}));
}

// Its answer carries the decode time, so the decoder must answer for the
// photo: with shared roles, the rank off duty for a photo never decodes it.
TEST(DecodeBalancer, TheDecoderAlwaysAnswersForThePhoto) {
  for (std::size_t count = 1; count <= 4; ++count) {
    for (int world = 2; world <= 9; ++world) {
      const MpiPlan plan = make_mpi_plan(Layout::Roles, world, count);
      for (const PlanGroup& group : plan.groups) {
        DecodeBalancer balancer(group);
        for (std::int64_t seq = 0; seq < 40; ++seq) {
          const int decoder = balancer.assign(seq, 1.0 + static_cast<double>(seq % 5));
          const std::vector<int> responders = group_responders(group, seq);
          EXPECT_NE(std::find(responders.begin(), responders.end(), decoder), responders.end())
              << "world " << world << " analyzers " << count << " photo " << seq;
          // Answers come back a few photos late, the first member slower.
          if (seq >= 3) {
            for (int r : group_responders(group, seq - 3)) {
              balancer.learn(r, seq - 3, 1.0, r == group.ranks[0] ? 0.02 : 0.01, 0.005 * r, 0.1 * seq * r);
            }
          }
        }
      }
    }
  }
}

// -np 3: rank 1 holds sharpness and exposure (cheap), rank 2 composition. A
// simulated run where each member is busy exactly with what it was given
// and answers six photos late: the cheap role must take most decodes, close
// to the share that evens the two out, (d + a2 - a1) / 2d = 0.65.
TEST(DecodeBalancer, TheLightRoleDecodesMore) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 3, 3);
  DecodeBalancer balancer(plan.groups[0]);
  const double decode = 0.019;
  const double analyze[] = {0.0, 0.0028, 0.0085};  // by world rank
  std::vector<int> decoder;
  double busy[] = {0.0, 0.0, 0.0};
  std::vector<std::array<double, 3>> work;  // per photo: each rank's seconds
  const int photos = 400;
  const int late = 6;
  int by_rank1 = 0;
  for (std::int64_t seq = 0; seq < photos; ++seq) {
    const int d = balancer.assign(seq, 1.0);
    by_rank1 += d == 1 ? 1 : 0;
    work.push_back({0.0, analyze[1] + (d == 1 ? decode : 0.0), analyze[2] + (d == 2 ? decode : 0.0)});
    decoder.push_back(d);
    if (seq >= late) {
      const auto done = static_cast<std::size_t>(seq - late);
      for (int r : {1, 2}) {
        busy[r] += work[done][static_cast<std::size_t>(r)];
        balancer.learn(r, seq - late, 1.0, decoder[done] == r ? decode : 0.0, analyze[r], busy[r]);
      }
    }
  }
  const double share = static_cast<double>(by_rank1) / photos;
  EXPECT_GT(share, 0.60);
  EXPECT_LT(share, 0.70);
  EXPECT_NEAR(balancer.expected_busy(1), balancer.expected_busy(2), 2 * decode);
}

// A member that reports more busy time (a shared core, a slow node) than its
// work explains gets fewer photos to decode.
TEST(DecodeBalancer, ABusierMemberGetsFewerDecodes) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 3, 2);  // ranks 1 and 2, one analyzer each
  DecodeBalancer balancer(plan.groups[0]);
  int by_rank2 = 0;
  double busy[] = {0.0, 0.0, 0.0};
  for (std::int64_t seq = 0; seq < 200; ++seq) {
    const int d = balancer.assign(seq, 1.0);
    by_rank2 += d == 2 ? 1 : 0;
    for (int r : {1, 2}) {
      // Rank 2 runs at half speed: every second of work takes it two.
      busy[r] += (d == r ? 0.02 : 0.0) * (r == 2 ? 2.0 : 1.0) + 0.005;
      balancer.learn(r, seq, 1.0, d == r ? 0.02 : 0.0, 0.005, busy[r]);
    }
  }
  EXPECT_LT(by_rank2, 80);
  EXPECT_GT(by_rank2, 40);
  EXPECT_THROW(balancer.learn(3, 0, 1.0, 0.0, 0.0, 0.0), std::invalid_argument);
}

// Answers that come back in blocks teach the balancer what answers one by
// one do: the same decoders are picked afterwards.
TEST(DecodeBalancer, ABlockOfAnswersTeachesWhatTheAnswersDo) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  DecodeBalancer one(plan.groups[0]);
  DecodeBalancer block(plan.groups[0]);
  const double analyze[] = {0.0, 0.003, 0.004, 0.012};
  double busy[] = {0.0, 0.0, 0.0, 0.0};
  for (std::int64_t start = 0; start < 96; start += 8) {
    std::vector<int> decoder;
    for (std::int64_t seq = start; seq < start + 8; ++seq) {
      const double weight = 1.0 + static_cast<double>(seq % 3);
      decoder.push_back(one.assign(seq, weight));
      EXPECT_EQ(block.assign(seq, weight), decoder.back()) << "photo " << seq;
    }
    for (int r : {1, 2, 3}) {
      double decoded = 0.0;
      double analyzed = 0.0;
      for (std::int64_t seq = start; seq < start + 8; ++seq) {
        const double weight = 1.0 + static_cast<double>(seq % 3);
        const double d = decoder[static_cast<std::size_t>(seq - start)] == r ? 0.02 * weight : 0.0;
        busy[r] += d + analyze[r] * weight;
        one.learn(r, seq, weight, d, analyze[r] * weight, busy[r]);
        decoded += d;
        analyzed += analyze[r] * weight;
      }
      block.learn_block(r, start + 8, decoded, analyzed, busy[r]);
    }
    for (int r : {1, 2, 3}) EXPECT_NEAR(one.expected_busy(r), block.expected_busy(r), 1e-9);
  }
}

}  // namespace
}  // namespace photoscore
