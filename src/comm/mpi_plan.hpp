#pragma once
// Which rank does what in MPI mode: a pure function of the layout, the world
// size, the number of selected analyzers and (with leaders) each rank's node,
// so every rank computes the same plan and the tests can check it without MPI.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analyzer.hpp"
#include "record/run_mode.hpp"

namespace photoscore {

// A part of a group's work: one or more analyzers (indices into the policy's
// analyzer list), held by one rank or, when the group has ranks to spare, by
// several ranks that take the group's photos in turn.
struct PlanRole {
  std::vector<std::size_t> analyzers;
  std::vector<int> ranks;
};

// Ranks that are dealt photos as one: in the roles layout a group of
// analyzer ranks sharing one broadcast communicator; in the farm layout one
// worker.
struct PlanGroup {
  std::vector<int> ranks;  // ascending
  std::vector<PlanRole> roles;
  int dealer = 0;  // the rank that deals it photos and takes its rows: 0, or its node's leader
};

struct PlanRank {
  int group = -1;  // -1 for rank 0 and the leaders
  bool leader = false;  // deals and gathers for its node's groups
  int role = -1;  // index into the group's roles
  int turn = 0;   // which photos of the group: those with seq % turns == turn
  int turns = 1;  // ranks sharing this role
  std::vector<std::size_t> analyzers;
};

// Whether a rank's part of a photo carries the photo's perceptual hash: the
// part of the rank holding the first analyzer (in the farm, every worker).
// A roles group's members score the same pixels, so one of them hashes them
// (roles_member.cpp) and the row takes that part's (row_assembler.cpp).
inline bool carries_hash(const PlanRank& rank) {
  return !rank.analyzers.empty() && rank.analyzers.front() == 0;
}

// What a layout is to the plan and to the ranks that deal: how it makes
// groups of ranks, and whether a group's ranks share each photo (one decodes
// it and streams its pixels, each scores some analyzers: roles) or each
// scores whole photos (farm). Chosen once, by make_mpi_plan; nothing else
// asks which layout it is. A new layout is one entry in mpi_plan.cpp and
// one in layouts.cpp (its channels and its group ranks' loop).
struct LayoutKind {
  Layout layout;
  // Appends the groups of `ranks` (ascending) to `groups`.
  void (*add_groups)(std::vector<PlanGroup>& groups, const std::vector<int>& ranks, std::size_t analyzers);
  bool shares_photos;   // a group's ranks score parts of each photo
  int extra_in_flight;  // photos a group rank keeps at hand beyond --in-flight (to decode ahead)
};
// Throws std::invalid_argument for a layout MPI does not run (threads).
const LayoutKind& layout_kind(Layout layout);

struct MpiPlan {
  Layout layout = Layout::Roles;
  const LayoutKind* kind = nullptr;
  int world = 0;
  std::size_t analyzer_count = 0;
  std::vector<PlanGroup> groups;
  std::vector<PlanRank> ranks;  // index: world rank
  std::vector<int> leaders;     // one rank a node, when rank 0 deals to leaders; empty when it deals to the groups
};

// What a dealing rank (rank 0, a leader) deals to: its lanes. Rank 0's are
// the leaders when there are some, else every group; a leader's are its
// node's groups.
struct PlanLane {
  int rank = 0;        // the lane's first rank: a leader, a farm worker, a roles group's first member
  int group = -1;      // the group it is, or -1 for a leader
  std::size_t members = 1;  // ranks that decode (a leader: those of its node's groups)
};
std::vector<PlanLane> plan_lanes(const MpiPlan& plan, int dealer);

// Roles: the analyzer ranks 1..world-1 form floor(ranks / analyzers) groups
// (at least one); each group holds every analyzer. A group with fewer ranks
// than analyzers gives its ranks contiguous blocks of analyzers in policy
// order, the first ranks one more. Ranks left over join the groups round
// robin; inside a group an extra rank becomes a second holder of a role (the
// first analyzers first), and the holders of a role take the group's photos
// in turn, so the extra rank halves that role's decode and analyze work.
// Farm: every rank 1..world-1 is a group of its own with all analyzers.
// With `leaders` (and `nodes[r]` the node of world rank r), every node's
// lowest rank other than 0 leads it: rank 0 deals to the leaders, each
// leader to its node's groups, formed as above from the node's other ranks
// (so no group spans nodes). Throws std::invalid_argument for world < 2, no
// analyzers, an unknown layout, or with leaders a node without a rank to
// lead and one to score.
MpiPlan make_mpi_plan(Layout layout, int world, std::size_t analyzer_count, const std::vector<int>& nodes = {},
                      bool leaders = false);

// The ranks that answer for the group's photo number `seq` (ascending).
std::vector<int> group_responders(const PlanGroup& group, std::int64_t seq);

// Whether `rank` works on its group's photo number `seq`.
bool rank_responds(const PlanRank& rank, std::int64_t seq);

// --- decoding once per roles group (the decoder is picked by decode_balancer.hpp) ---
// Rows per piece of a broadcast photo of this width: pieces of about 2 MiB
// of RGB, so the analyzers start on the first rows while later ones are
// decoded, and each piece is big enough that its message costs little (with
// 512 KiB pieces, the receivers' CPU seconds were about 5 % higher: four
// times the messages, each a system call to copy).
int pixel_piece_rows(int width);
// --- end decoding once per roles group ---------------------------------------

// The role stored with a rank's timings: "source+merger", "worker",
// "analyzer[sharpness,exposure]" or, for a shared role, "analyzer[sharpness] 2/2".
std::string rank_role_name(const MpiPlan& plan, int rank, const std::vector<const AnalyzerSpec*>& analyzers);

// One line for the dashboard header and the HDF5 provenance, e.g.
// "mpi roles: 4 ranks, 1 group x 3 analyzer ranks, 1 thread each".
std::string plan_summary(const MpiPlan& plan, int threads);

// The full plan as printed at start: a line with the world size, then one
// line per rank. `hosts` holds every rank's host name, in rank order.
std::vector<std::string> plan_lines(const MpiPlan& plan, const std::vector<const AnalyzerSpec*>& analyzers,
                                    const std::vector<std::string>& hosts, int threads);

}  // namespace photoscore
