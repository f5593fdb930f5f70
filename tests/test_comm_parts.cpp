// The parts of the MPI layer that need no MPI, as plain functions and
// classes: the plan (which rank does what), who decodes each photo of a
// roles group, where a member puts its photos in the shared window, how a
// group's answers become blocks of rows, and the messages' encodings.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "comm/block_report.hpp"
#include "comm/decode_balancer.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/pixel_arena.hpp"
#include "comm/row_assembler.hpp"
#include "image/decoder_helpers.hpp"
#include "output/h5_sink.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_block.hpp"
#include "output/row_json.hpp"
#include "record/byte_fields.hpp"
#include "run/ordered_writer.hpp"
#include "run/photo_batch.hpp"

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

TEST(PixelPieces, AboutTwoMebibytesOfRowsAndAtLeastOne) {
  EXPECT_EQ(pixel_piece_rows(4000), 174);  // 2 MiB / 12,000 bytes a row
  EXPECT_EQ(pixel_piece_rows(1'000'000), 1);
  EXPECT_GT(pixel_piece_rows(1), 1000);
  for (int width : {1, 97, 4000, 6000, 20000}) {
    EXPECT_LE(static_cast<std::int64_t>(pixel_piece_rows(width)) * 3 * width, std::int64_t{1} << 30);
  }
}

// ------------------------- where a roles member puts its photos in the window
using mpi::PixelArena;

TEST(PixelArena, PlacesPhotosOneAfterAnotherOnCacheLines) {
  PixelArena arena(1000);
  EXPECT_EQ(arena.place(0, 100), std::optional<std::size_t>(0));
  EXPECT_EQ(arena.place(1, 1), std::optional<std::size_t>(128));  // 100 rounded up to 128
  EXPECT_EQ(arena.place(2, 64), std::optional<std::size_t>(192));
  EXPECT_EQ(arena.regions(), 3u);
  EXPECT_EQ(arena.high_water(), 256u);
}

TEST(PixelArena, SaysNoRatherThanWaitAndNeverOverlaps) {
  PixelArena arena(640);
  ASSERT_TRUE(arena.place(0, 256));
  ASSERT_TRUE(arena.place(1, 256));
  EXPECT_FALSE(arena.place(2, 256));  // 128 left
  EXPECT_FALSE(arena.place(2, 700));  // larger than all of it
  EXPECT_FALSE(arena.place(2, 0));
  // Photo 0 finished by every member: its place is the lowest gap.
  arena.release(1);
  EXPECT_EQ(arena.regions(), 1u);
  EXPECT_EQ(arena.place(2, 200), std::optional<std::size_t>(0));
  EXPECT_EQ(arena.place(3, 100), std::optional<std::size_t>(512));
  arena.release(4);
  EXPECT_EQ(arena.regions(), 0u);
  EXPECT_EQ(arena.place(4, 640), std::optional<std::size_t>(0));
}

// A long stream of photos of mixed sizes, each given back a few photos
// later (as the other members finish them): live regions never overlap or
// pass the end, and the lowest-first rule keeps the touched pages near what
// the photos in flight need, not the whole capacity.
TEST(PixelArena, ASteadyStreamTouchesLittleMoreThanThePhotosInFlight) {
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> size(1 << 20, 24 << 20);
  const std::size_t capacity = std::size_t{512} << 20;
  PixelArena arena(capacity);
  struct Live {
    std::int64_t photo;
    std::size_t at, bytes;
  };
  std::vector<Live> live;
  int refused = 0;
  for (std::int64_t photo = 0; photo < 5000; ++photo) {
    const std::int64_t released = std::max<std::int64_t>(0, photo - 6);
    arena.release(released);
    std::erase_if(live, [&](const Live& l) { return l.photo < released; });
    const std::size_t bytes = size(random);
    const auto at = arena.place(photo, bytes);
    if (!at) {
      ++refused;
      continue;
    }
    ASSERT_LE(*at + bytes, capacity);
    for (const Live& l : live) ASSERT_TRUE(*at + bytes <= l.at || l.at + l.bytes <= *at) << "photo " << photo;
    live.push_back({photo, *at, bytes});
  }
  EXPECT_EQ(refused, 0);
  // Six photos of at most 24 MiB in flight, with the gaps first fit leaves.
  EXPECT_LT(arena.high_water(), std::size_t{12 * 24} << 20);
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

// ------------------------------------------------------ what travels between ranks

TEST(PhotoBatch, TravelsAsBytesAndRefusesWhatIsNotOne) {
  PhotoBatch batch;
  batch.first = 41;
  batch.seq = 7;
  batch.photos.push_back({3, -1, 0.0, "a.jpg", "in/a.jpg"});
  batch.photos.push_back({2, 1234, 0.25, "b\nc.png", "in/b\nc.png"});
  std::string bytes;
  encode_batch(batch, bytes);
  const PhotoBatch back = decode_batch(bytes);
  EXPECT_EQ(back.first, 41);
  EXPECT_EQ(back.seq, 7);
  ASSERT_EQ(back.photos.size(), 2u);
  EXPECT_EQ(back.photos[1].decoder, 2);
  EXPECT_EQ(back.photos[1].payload, 1234);
  EXPECT_EQ(back.photos[1].read_seconds, 0.25);
  EXPECT_EQ(back.photos[1].filename, "b\nc.png");
  EXPECT_EQ(back.photos[0].path, "in/a.jpg");
  EXPECT_THROW(decode_batch(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  EXPECT_THROW(decode_batch(bytes + "x"), std::runtime_error);
  EXPECT_THROW(decode_batch(""), std::runtime_error);
}

TEST(BlockReport, TravelsBeforeItsBlock) {
  mpi::BlockReport report;
  report.group = 3;
  report.members.push_back({4, 17, 0.5, 0.25, 9.0});
  std::string message;
  mpi::write_block_message(report, "BLOCK", message);
  std::size_t at = 0;
  const mpi::BlockReport back = mpi::read_report(message, at);
  EXPECT_EQ(message.substr(at), "BLOCK");
  EXPECT_EQ(back.group, 3);
  ASSERT_EQ(back.members.size(), 1u);
  EXPECT_EQ(back.members[0].rank, 4);
  EXPECT_EQ(back.members[0].seq_end, 17);
  EXPECT_EQ(back.members[0].busy_seconds, 9.0);
  EXPECT_THROW(mpi::read_report(message.substr(0, 10), at), std::runtime_error);
}

std::vector<const AnalyzerSpec*> seed_specs() {
  return {find_analyzer("sharpness"), find_analyzer("exposure"), find_analyzer("composition")};
}

// A part of an outcome: `rank`'s analyzers' results of a photo whose every
// figure is `base` + field number (labels "good").
ImageOutcome part_of(const MpiPlan& plan, int rank, double base) {
  ImageOutcome part;
  part.ok = true;
  part.width = 40;
  part.height = 30;
  part.decode_seconds = 0.001;
  const auto specs = seed_specs();
  for (std::size_t a : plan.ranks[static_cast<std::size_t>(rank)].analyzers) {
    AnalyzerResult r;
    double v = base;
    for (const FieldSpec& f : specs[a]->fields) {
      if (f.kind == FieldSpec::Kind::Number) {
        r.values.emplace_back(v);
        v += 1.0;
      } else {
        r.values.emplace_back(std::string("good"));
      }
    }
    part.results.push_back(std::move(r));
    part.analyzer_seconds.push_back(0.002);
  }
  return part;
}

Job assembler_job() {
  Job job;
  job.policy.analyzers = seed_specs();
  job.policy.weights = {0.4, 0.4, 0.2};
  job.formats = {RowFormat::Jsonl, RowFormat::Status};
  job.format = default_context(job.policy.analyzers);
  return job;
}

// What a group's merging rank sends for its next block: the message (its
// report, then the block) and the HDF5 records' pieces, read back.
struct Taken {
  std::string message;
  std::vector<ChunkPiece> pieces;
  mpi::BlockReport report;
  RowBlockView block;  // views into message
  void from(mpi::RowAssembler& rows) {
    rows.take_message(message, pieces);
    std::size_t at = 0;
    report = mpi::read_report(message, at);
    block = view_block(std::string_view(message).substr(at));
  }
};

// The archive lines of a block's JSONL section (each line and its .meta
// record come with their lengths).
// The archive lines of a sealed JSONL section: pieces of [lines bytes]
// [records bytes] (uint64 each), the records' digest, the lines, the records.
std::string jsonl_lines(std::string_view section) {
  std::string lines;
  std::size_t at = 0;
  while (at < section.size()) {
    std::uint64_t n[2] = {0, 0};
    std::memcpy(n, section.data() + at, sizeof n);
    at += sizeof n + kLedgerDigits;
    lines += section.substr(at, n[0]);
    at += n[0] + n[1];
  }
  return lines;
}

// The row a photo of `parts` gets in thread mode: the whole outcome merged
// and formatted by the same functions.
std::string thread_mode_line(const Job& job, const MpiPlan& plan, const InputFile& file,
                             const std::vector<std::pair<int, double>>& parts) {
  ImageOutcome whole;
  whole.ok = true;
  whole.width = 40;
  whole.height = 30;
  whole.results.resize(3);
  for (const auto& [rank, base] : parts) {
    ImageOutcome p = part_of(plan, rank, base);
    const auto& analyzers = plan.ranks[static_cast<std::size_t>(rank)].analyzers;
    for (std::size_t k = 0; k < analyzers.size(); ++k) whole.results[analyzers[k]] = p.results[k];
  }
  return row_to_json(finished_row(file, std::move(whole), job.policy), job.policy.analyzers) + "\n";
}

// A roles group of three: parts arrive in any order from any member; a
// row is made only when its photo has every part and every photo before it
// is done, and the rows are those thread mode makes.
TEST(RowAssembler, RowsLeaveInTheGroupsOrderOnceWhole) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  mpi::RowAssembler rows(job, plan, 0);
  PhotoBatch batch;
  batch.first = 10;
  batch.seq = 0;
  for (const char* name : {"a.jpg", "b.jpg", "c.jpg"}) batch.photos.push_back({1, -1, 0.0, name, std::string("in/") + name});
  rows.expect(batch, 0.0);
  // Photo 1 complete, photo 0 not yet: nothing may leave.
  for (int r : {1, 2, 3}) rows.add(r, 1, part_of(plan, r, 10.0 * r + 1), 1.0, 0.0);
  rows.add(3, 0, part_of(plan, 3, 30.0), 1.0, 0.0);
  rows.add(1, 0, part_of(plan, 1, 10.0), 1.0, 0.0);
  EXPECT_FALSE(rows.block_due(0.0));
  rows.add(2, 0, part_of(plan, 2, 20.0), 1.0, 0.0);
  // Rows 10 and 11 are formatted, but the batch is not done and they are young.
  EXPECT_FALSE(rows.block_due(0.1));
  EXPECT_TRUE(rows.block_due(1.0));  // they have waited past kMaxSeconds
  for (int r : {2, 1, 3}) rows.add(r, 2, part_of(plan, r, 10.0 * r + 2), 2.0 + r, 0.0);
  ASSERT_TRUE(rows.block_due(0.0));  // the batch is done
  Taken taken;
  taken.from(rows);
  EXPECT_TRUE(rows.idle());
  const mpi::BlockReport& report = taken.report;
  const RowBlockView& block = taken.block;
  EXPECT_EQ(block.first, 10);
  EXPECT_EQ(block.count, 3);
  EXPECT_EQ(block.errors, 0);
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    const InputFile file = batch.photos[static_cast<std::size_t>(i)].filename == "a.jpg"
                               ? InputFile{"a.jpg", "in/a.jpg"}
                               : InputFile{batch.photos[static_cast<std::size_t>(i)].filename,
                                           batch.photos[static_cast<std::size_t>(i)].path};
    const double off = i == 0 ? 0.0 : static_cast<double>(i);
    expected += thread_mode_line(job, plan, file, {{1, 10.0 + off}, {2, 20.0 + off}, {3, 30.0 + off}});
  }
  EXPECT_EQ(jsonl_lines(block.sections.at(0)), expected);
  EXPECT_EQ(report.group, 0);
  ASSERT_EQ(report.members.size(), 3u);
  for (const mpi::MemberReport& m : report.members) EXPECT_EQ(m.seq_end, 3);
  EXPECT_EQ(report.members[2].busy_seconds, 5.0);  // rank 3's latest
}

// A photo whose decode failed: every member reports the error, the row is
// an error row with the first analyzer's rank's error, and it counts.
TEST(RowAssembler, AnErrorRowKeepsTheFirstAnalyzersError) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  mpi::RowAssembler rows(job, plan, 0);
  PhotoBatch batch;
  batch.first = 0;
  batch.photos.push_back({2, -1, 0.0, "bad.jpg", "in/bad.jpg"});
  rows.expect(batch, 0.0);
  for (int r : {3, 2, 1}) rows.add(r, 0, failed_outcome("error seen by rank " + std::to_string(r), 0.0), 1.0, 0.0);
  Taken taken;
  taken.from(rows);
  const RowBlockView& block = taken.block;
  EXPECT_EQ(block.errors, 1);
  EXPECT_NE(jsonl_lines(block.sections.at(0)).find("error seen by rank 1"), std::string::npos);
  EXPECT_EQ(block.sections.at(1), std::string(1, '\0'));
}

TEST(RowAssembler, RefusesWhatWasNotDealt) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch;
  batch.first = 5;
  batch.seq = 4;
  batch.photos.push_back({2, -1, 0.0, "x.jpg", "in/x.jpg"});
  rows.expect(batch, 0.0);
  EXPECT_THROW(rows.add(2, 5, part_of(plan, 2, 1.0), 0.0, 0.0), std::runtime_error);  // not dealt
  EXPECT_THROW(rows.add(1, 4, part_of(plan, 1, 1.0), 0.0, 0.0), std::runtime_error);  // rank 1 is not in group 1
  batch.seq = 9;
  EXPECT_THROW(rows.expect(batch, 0.0), std::runtime_error);  // out of the group's order
}

// The rows' HDF5 records leave apart, for their chunks' owners: the block
// rank 0 gets carries their count alone, and the pieces hold the rows'
// places in the whole file (after the rows a resumed run kept).
TEST(RowAssembler, HdfRecordsGoToTheirChunksNotToRankZero) {
  Job job = assembler_job();
  job.formats = {RowFormat::Jsonl, RowFormat::H5, RowFormat::Status};
  job.format.row_offset = 1000;
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch;
  batch.first = 20;  // rows 1020 to 1025: the end of chunk 0, the start of chunk 1
  batch.seq = 0;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "p" + std::to_string(i) + ".jpg";
    batch.photos.push_back({2, -1, 0.0, name, "in/" + name});
  }
  rows.expect(batch, 0.0);
  for (int i = 0; i < 6; ++i) rows.add(2, i, part_of(plan, 2, 1.0 + i), 1.0, 0.0);
  ASSERT_TRUE(rows.block_due(0.0));
  Taken taken;
  taken.from(rows);
  const RowBlockView& block = taken.block;
  std::vector<ChunkPiece>& pieces = taken.pieces;
  EXPECT_EQ(block.count, 6);
  EXPECT_NE(jsonl_lines(block.sections.at(0)).find("p5.jpg"), std::string::npos);
  EXPECT_TRUE(block.sections.at(1).empty());
  ASSERT_EQ(pieces.size(), 2u);
  const H5RecordSizes sizes = h5_record_sizes(job.format);
  std::size_t here = 0;
  EXPECT_EQ(pieces[0].chunk, 0u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[0].bytes, here, "piece"), 1020u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[0].bytes, here, "piece"), 4u);
  EXPECT_EQ(pieces[0].bytes.size(), 24 + 4 * (sizes.scores + sizes.images));
  here = 0;
  EXPECT_EQ(pieces[1].chunk, 1u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[1].bytes, here, "piece"), 1024u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[1].bytes, here, "piece"), 2u);
  // The first record of the second piece is row 1024's: photo p4.jpg.
  EXPECT_EQ(pieces[1].bytes.substr(24, 6), "p4.jpg");
}

// A photo abandoned as the run stopped (a decoder helper that could not end
// in time, issue 22) gets no row: a stopped block of its own, between the
// rows before it and those after it (which the writer then drops).
TEST(RowAssembler, AStoppedPhotoIsAStoppedBlockOfItsOwn) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch;
  batch.first = 5;
  batch.seq = 0;
  for (const char* name : {"a.jpg", "b.heic", "c.jpg"})
    batch.photos.push_back({2, -1, 0.0, name, std::string("in/") + name});
  rows.expect(batch, 0.0);
  rows.add(2, 0, part_of(plan, 2, 1.0), 1.0, 0.0);
  rows.add(2, 1, failed_outcome(kDecodeStopped, 0.0), 1.0, 0.0);
  rows.add(2, 2, part_of(plan, 2, 2.0), 1.0, 0.0);
  std::vector<RowBlockView> blocks;
  std::vector<std::string> messages;
  while (rows.block_due(0.0)) {
    std::size_t at = 0;
    std::vector<ChunkPiece> pieces;
    rows.take_message(messages.emplace_back(), pieces);
    mpi::read_report(messages.back(), at);
    blocks.push_back(view_block(std::string_view(messages.back()).substr(at)));
  }
  EXPECT_TRUE(rows.idle());
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].first, 5);
  EXPECT_EQ(blocks[0].count, 1);
  EXPECT_FALSE(blocks[0].stopped);
  EXPECT_EQ(blocks[1].first, 6);
  EXPECT_EQ(blocks[1].count, 1);
  EXPECT_EQ(blocks[1].errors, 0);
  EXPECT_TRUE(blocks[1].stopped);
  for (std::string_view section : blocks[1].sections) EXPECT_TRUE(section.empty());
  EXPECT_EQ(blocks[2].first, 7);
  EXPECT_FALSE(blocks[2].stopped);
}

// ------------------------------------------------------------- the ordered writer

// Keeps what it is given, as the rows' archive lines.
class Lines final : public FormattingSink {
 public:
  Lines() : FormattingSink(RowFormat::Jsonl, default_context(seed_specs())) {}
  void append(std::string_view bytes, std::int64_t rows) override {
    text += bytes;
    appended += rows;
  }
  void flush() override { ++flushes; }
  std::string text;
  std::int64_t appended = 0;
  int flushes = 0;
};

RowBlock block_of(std::int64_t first, std::int64_t count, bool error_at_first = false) {
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  for (std::int64_t i = first; i < first + count; ++i) {
    ScoredRow row;
    row.filename = "p" + std::to_string(i) + ".jpg";
    row.path = "in/" + row.filename;
    row.ok = false;
    row.error = error_at_first && i == first ? "broken" : "x";
    builder.add(row, ImageTiming{}, i);
  }
  return builder.take();
}

// The home of the byte-identical guarantee: blocks handed over in any
// order, from several threads or as bytes, leave in file order, whole, and
// the window holds back what would run too far ahead.
TEST(OrderedWriter, BlocksLeaveInFileOrderWhateverOrderTheyCome) {
  Lines sink;
  OrderedWriter writer(sink, 8);
  EXPECT_TRUE(writer.has_room(7));
  EXPECT_FALSE(writer.has_room(8));
  writer.finish(block_of(3, 2));
  std::string encoded;
  encode_block(block_of(5, 4), encoded);
  writer.finish_encoded("HEADER" + encoded, 6);
  EXPECT_EQ(sink.appended, 0);  // rows 0..2 not there yet
  EXPECT_EQ(writer.written(), 0u);
  writer.finish(block_of(0, 3, true));
  EXPECT_EQ(writer.written(), 9u);
  EXPECT_EQ(writer.errors(), 9);
  EXPECT_TRUE(writer.has_room(16));
  std::string expected;
  for (const RowBlock& b : {block_of(0, 3, true), block_of(3, 2), block_of(5, 4)}) expected += b.sections[0];
  EXPECT_EQ(sink.text, expected);
  EXPECT_GE(sink.flushes, 1);  // commit_seconds 0: flushed after writing
  EXPECT_THROW(writer.finish_encoded("not a block"), std::runtime_error);
}

// A sink that fails ends the writer: the failure reaches the caller and
// later blocks are dropped, not written past the failure.
TEST(OrderedWriter, ASinkThatFailsEndsIt) {
  class Failing final : public FormattingSink {
   public:
    Failing() : FormattingSink(RowFormat::Count, default_context(seed_specs())) {}
    void append(std::string_view, std::int64_t) override { throw std::runtime_error("disk full"); }
  } sink;
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(0, 1));
  EXPECT_TRUE(writer.failed());
  EXPECT_THROW(writer.rethrow_failure(), std::runtime_error);
  EXPECT_FALSE(writer.wait_for_room(100));
  writer.finish(block_of(1, 1));
  EXPECT_EQ(writer.written(), 0u);
}

// The group commit: under MPI rows may wait commit_seconds for their flush.
TEST(OrderedWriter, RowsWaitAtMostTheCommitTimeForTheirFlush) {
  Lines sink;
  OrderedWriter writer(sink, 64, 0.05);
  writer.finish(block_of(0, 2));
  EXPECT_EQ(sink.flushes, 0);
  writer.tick();
  EXPECT_EQ(sink.flushes, 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(60);
  while (std::chrono::steady_clock::now() < until) {
  }
  writer.tick();
  EXPECT_EQ(sink.flushes, 1);
  writer.tick();
  EXPECT_EQ(sink.flushes, 1);  // nothing new to flush
}

// A stopped block ends the rows: those before it are written, it and
// every block after it are not, and the threads waiting for room stop.
TEST(OrderedWriter, AStoppedBlockEndsTheRowsBeforeIt) {
  Lines sink;
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(3, 2));
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  builder.add_stopped(2);
  std::string stopped;
  encode_block(builder.take(), stopped);
  writer.finish_encoded(std::move(stopped));
  EXPECT_FALSE(writer.stopped_short());
  writer.finish(block_of(0, 2));
  EXPECT_TRUE(writer.stopped_short());
  EXPECT_EQ(writer.written(), 2u);
  EXPECT_EQ(sink.text, block_of(0, 2).sections[0]);
  EXPECT_FALSE(writer.wait_for_room(2));
  writer.finish(block_of(5, 1));  // after the cut: dropped
  EXPECT_EQ(writer.written(), 2u);
  EXPECT_FALSE(writer.failed());
}

TEST(RowBlock, TravelsAsBytesAndRefusesWhatIsNotOne) {
  const RowBlock block = block_of(7, 3, true);
  std::string bytes;
  encode_block(block, bytes);
  const RowBlockView view = view_block(bytes);
  EXPECT_EQ(view.first, 7);
  EXPECT_EQ(view.count, 3);
  EXPECT_EQ(view.errors, 3);
  ASSERT_EQ(view.sections.size(), 1u);
  EXPECT_EQ(view.sections[0], block.sections[0]);
  EXPECT_THROW(view_block(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  EXPECT_THROW(view_block(bytes + "x"), std::runtime_error);
  EXPECT_FALSE(view.stopped);
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  builder.add(ScoredRow{}, ImageTiming{}, 4);
  EXPECT_THROW(builder.add(ScoredRow{}, ImageTiming{}, 6), std::logic_error);  // not the next row
  EXPECT_THROW(builder.add_stopped(5), std::logic_error);  // a stopped photo starts its block
  builder.take();
  builder.add_stopped(9);
  EXPECT_THROW(builder.add(ScoredRow{}, ImageTiming{}, 10), std::logic_error);  // nothing after it
  encode_block(builder.take(), bytes);
  const RowBlockView stopped = view_block(bytes);
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.first, 9);
  EXPECT_EQ(stopped.count, 1);
}

TEST(FormatPlan, TravelsAsBytes) {
  FormatPlan plan;
  plan.formats = {RowFormat::H5, RowFormat::Jsonl, RowFormat::Row};
  plan.widths = {17, 300, 5};
  plan.style.unicode = true;
  plan.per_photo = true;
  plan.row_offset = 12;
  const FormatPlan back = decode_format_plan(encode_format_plan(plan));
  EXPECT_EQ(back.formats, plan.formats);
  EXPECT_EQ(back.widths.path, 300u);
  EXPECT_TRUE(back.style.unicode);
  EXPECT_FALSE(back.style.color);
  EXPECT_TRUE(back.per_photo);
  EXPECT_EQ(back.row_offset, 12);
  std::string bad = encode_format_plan(plan);
  bad[4] = 99;  // no such format
  EXPECT_THROW(decode_format_plan(bad), std::runtime_error);
}

}  // namespace
}  // namespace photoscore
