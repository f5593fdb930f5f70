// The MPI plan, which needs no MPI: which rank does what for each world and
// selection of analyzers, with and without leaders, and the pixel pieces' size.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "comm/mpi_plan.hpp"

namespace photoscore {
namespace {

std::vector<std::size_t> ids(std::initializer_list<std::size_t> list) { return list; }

// ------------------------------------------------------------------ the plan

TEST(MpiPlan, FourRanksThreeAnalyzersIsTheSeedsNetwork) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(plan.ranks[1].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[2].analyzers, ids({1}));
  EXPECT_EQ(plan.ranks[3].analyzers, ids({2}));
  EXPECT_EQ(plan.ranks[0].group, -1);
  EXPECT_EQ(plan_summary(plan, 1), "mpi roles: 4 ranks, 1 group x 3 analyzer ranks, 1 thread each");
}

TEST(MpiPlan, FewRanksHoldSeveralAnalyzers) {
  const MpiPlan two = make_mpi_plan(Layout::Roles, 2, 3);
  ASSERT_EQ(two.groups.size(), 1u);
  EXPECT_EQ(two.ranks[1].analyzers, ids({0, 1, 2}));
  const MpiPlan three = make_mpi_plan(Layout::Roles, 3, 3);
  ASSERT_EQ(three.groups.size(), 1u);
  EXPECT_EQ(three.ranks[1].analyzers, ids({0, 1}));
  EXPECT_EQ(three.ranks[2].analyzers, ids({2}));
}

TEST(MpiPlan, ColorGetsItsOwnRankWithFiveRanks) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 5, 4);
  ASSERT_EQ(plan.groups.size(), 1u);
  for (int r = 1; r <= 4; ++r)
    EXPECT_EQ(plan.ranks[static_cast<std::size_t>(r)].analyzers, ids({std::size_t(r - 1)}));
}

TEST(MpiPlan, SevenRanksMakeTwoGroups) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 7, 3);
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(plan.groups[1].ranks, (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(plan.ranks[4].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[6].group, 1);
  EXPECT_EQ(plan_summary(plan, 2), "mpi roles: 7 ranks, 2 groups x 3 analyzer ranks, 2 threads each");
}

TEST(MpiPlan, SpareRankSharesTheFirstRoleAndTakesTurns) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 5, 3);
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(plan.ranks[4].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[1].turns, 2);
  EXPECT_EQ(plan.ranks[4].turn, 1);
  EXPECT_EQ(group_responders(plan.groups[0], 0), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(group_responders(plan.groups[0], 1), (std::vector<int>{2, 3, 4}));
  EXPECT_TRUE(rank_responds(plan.ranks[1], 2));
  EXPECT_FALSE(rank_responds(plan.ranks[4], 2));
  EXPECT_TRUE(rank_responds(plan.ranks[2], 1));
  const auto specs = std::vector<const AnalyzerSpec*>{find_analyzer("sharpness"), find_analyzer("exposure"),
                                                      find_analyzer("composition")};
  EXPECT_EQ(rank_role_name(plan, 4, specs), "analyzer[sharpness] 2/2");
  EXPECT_EQ(rank_role_name(plan, 2, specs), "analyzer[exposure]");
  EXPECT_EQ(rank_role_name(plan, 0, specs), "source+merger");
}

TEST(MpiPlan, UnevenGroupsAreSummarized) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 8, 3);
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].ranks.size(), 4u);
  EXPECT_EQ(plan.groups[1].ranks.size(), 3u);
  EXPECT_EQ(plan_summary(plan, 1), "mpi roles: 8 ranks, 2 groups (4+3 analyzer ranks), 1 thread each");
}

TEST(MpiPlan, FarmGivesEveryWorkerAllAnalyzers) {
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 4, 3);
  ASSERT_EQ(plan.groups.size(), 3u);
  for (int r = 1; r < 4; ++r) {
    EXPECT_EQ(plan.ranks[static_cast<std::size_t>(r)].analyzers, ids({0, 1, 2}));
    EXPECT_EQ(plan.groups[static_cast<std::size_t>(r - 1)].ranks, (std::vector<int>{r}));
  }
  EXPECT_EQ(plan_summary(plan, 1), "mpi farm: 4 ranks, 3 workers x 3 analyzers, 1 thread each");
  const std::vector<std::string> lines = plan_lines(plan, {}, {"h0", "h1", "h2", "h3"}, 1);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find("world size 4"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("rank 0 (h0): source + merger", 0), 0u);
  EXPECT_EQ(lines[3].rfind("rank 2 (h2): worker", 0), 0u);
}

// For every world and selection: every analyzer rank has work, and each of a
// group's photos is answered for every analyzer by exactly one rank.
TEST(MpiPlan, EveryPhotoGetsEveryAnalyzerExactlyOnce) {
  for (const Layout layout : {Layout::Roles, Layout::Farm}) {
    for (std::size_t count = 1; count <= 4; ++count) {
      for (int world = 2; world <= 13; ++world) {
        SCOPED_TRACE(std::string(to_string(layout)) + " analyzers " + std::to_string(count) + " world " + std::to_string(world));
        const MpiPlan plan = make_mpi_plan(layout, world, count);
        std::set<int> seen;
        for (const PlanGroup& group : plan.groups) {
          for (int r : group.ranks) EXPECT_TRUE(seen.insert(r).second) << "rank " << r << " in two groups";
          for (std::int64_t seq = 0; seq < 6; ++seq) {
            std::vector<int> hits(count, 0);
            for (int r : group_responders(group, seq)) {
              EXPECT_TRUE(rank_responds(plan.ranks[static_cast<std::size_t>(r)], seq));
              for (std::size_t a : plan.ranks[static_cast<std::size_t>(r)].analyzers) ++hits[a];
            }
            EXPECT_EQ(hits, std::vector<int>(count, 1));
          }
        }
        EXPECT_EQ(seen.size(), static_cast<std::size_t>(world - 1));
        for (int r = 1; r < world; ++r)
          EXPECT_FALSE(plan.ranks[static_cast<std::size_t>(r)].analyzers.empty());
      }
    }
  }
}

// With leaders: a leader a node (its lowest rank but 0), the node's other
// ranks in groups of its own that it deals to; rank 0 deals to the leaders.
TEST(MpiPlan, LeadersDealToTheirNodesGroups) {
  // Ranks 0-4 on node 0, 5-9 on node 5 (a node is named by its lowest rank).
  const std::vector<int> nodes = {0, 0, 0, 0, 0, 5, 5, 5, 5, 5};
  const MpiPlan farm = make_mpi_plan(Layout::Farm, 10, 3, nodes, true);
  EXPECT_EQ(farm.leaders, (std::vector<int>{1, 5}));
  ASSERT_EQ(farm.groups.size(), 7u);  // 2, 3, 4 and 6, 7, 8, 9
  EXPECT_EQ(farm.groups[0].dealer, 1);
  EXPECT_EQ(farm.groups[6].dealer, 5);
  EXPECT_TRUE(farm.ranks[5].leader);
  EXPECT_EQ(farm.ranks[5].group, -1);
  const std::vector<PlanLane> top = plan_lanes(farm, 0);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].rank, 1);
  EXPECT_EQ(top[0].group, -1);
  EXPECT_EQ(top[0].members, 3u);
  EXPECT_EQ(top[1].members, 4u);
  EXPECT_EQ(plan_lanes(farm, 5).size(), 4u);
  EXPECT_EQ(rank_role_name(farm, 5, {}), "leader");
  EXPECT_NE(plan_summary(farm, 1).find("2 leaders"), std::string::npos);
  // Roles: no group spans the nodes.
  const MpiPlan roles = make_mpi_plan(Layout::Roles, 10, 3, nodes, true);
  for (const PlanGroup& g : roles.groups) {
    for (int r : g.ranks) EXPECT_EQ(nodes[static_cast<std::size_t>(r)], nodes[static_cast<std::size_t>(g.dealer)]);
  }
  // Without leaders, nothing changes: rank 0 deals to every group.
  const MpiPlan plain = make_mpi_plan(Layout::Farm, 10, 3, nodes, false);
  EXPECT_TRUE(plain.leaders.empty());
  EXPECT_EQ(plan_lanes(plain, 0).size(), 9u);
  // A node with nothing to lead.
  EXPECT_THROW(make_mpi_plan(Layout::Farm, 3, 3, {0, 0, 2}, true), std::invalid_argument);
}

TEST(MpiPlan, RefusesWhatCannotRun) {
  EXPECT_THROW(make_mpi_plan(Layout::Roles, 1, 3), std::invalid_argument);
  EXPECT_THROW(make_mpi_plan(Layout::Roles, 4, 0), std::invalid_argument);
  EXPECT_THROW(make_mpi_plan(Layout::Threads, 4, 3), std::invalid_argument);
}

TEST(PixelPieces, AboutTwoMebibytesOfRowsAndAtLeastOne) {
  EXPECT_EQ(pixel_piece_rows(4000), 174);  // 2 MiB / 12,000 bytes a row
  EXPECT_EQ(pixel_piece_rows(1'000'000), 1);
  EXPECT_GT(pixel_piece_rows(1), 1000);
  for (int width : {1, 97, 4000, 6000, 20000}) {
    EXPECT_LE(static_cast<std::int64_t>(pixel_piece_rows(width)) * 3 * width, std::int64_t{1} << 30);
  }
}

}  // namespace
}  // namespace photoscore
