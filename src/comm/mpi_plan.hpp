#pragma once
// Which rank does what in MPI mode: a pure function of the layout, the world
// size and the number of selected analyzers, so every rank computes the same
// plan without a message and the tests can check it without MPI.
#include <cstddef>
#include <cstdint>
#include <map>
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

// Ranks that rank 0 feeds as one: in the roles layout a group of analyzer
// ranks sharing one broadcast communicator; in the farm layout one worker.
struct PlanGroup {
  std::vector<int> ranks;  // ascending
  std::vector<PlanRole> roles;
};

struct PlanRank {
  int group = -1;  // -1 for rank 0
  int role = -1;  // index into the group's roles
  int turn = 0;   // which photos of the group: those with seq % turns == turn
  int turns = 1;  // ranks sharing this role
  std::vector<std::size_t> analyzers;
};

struct MpiPlan {
  Layout layout = Layout::Roles;
  int world = 0;
  std::size_t analyzer_count = 0;
  std::vector<PlanGroup> groups;
  std::vector<PlanRank> ranks;  // index: world rank
};

// Roles: the analyzer ranks 1..world-1 form floor(ranks / analyzers) groups
// (at least one); each group holds every analyzer. A group with fewer ranks
// than analyzers gives its ranks contiguous blocks of analyzers in policy
// order, the first ranks one more. Ranks left over join the groups round
// robin; inside a group an extra rank becomes a second holder of a role (the
// first analyzers first), and the holders of a role take the group's photos
// in turn, so the extra rank halves that role's decode and analyze work.
// Farm: every rank 1..world-1 is a group of its own with all analyzers.
// Throws std::invalid_argument for world < 2, no analyzers or an unknown
// layout.
MpiPlan make_mpi_plan(Layout layout, int world, std::size_t analyzer_count);

// The ranks that answer for the group's photo number `seq` (ascending).
std::vector<int> group_responders(const PlanGroup& group, std::int64_t seq);

// Whether `rank` works on its group's photo number `seq`.
bool rank_responds(const PlanRank& rank, std::int64_t seq);

// --- decoding once per roles group ------------------------------------------
// In the roles layout one member of the group decodes each photo and
// broadcasts its pixels to the others; this picks the member. Decoding is
// most of a photo's work and the roles are unequal (composition costs
// several times sharpness and exposure together), so plain turns (photo i by
// member i mod g) would leave the light roles idle while the heavy one
// decodes. The balancer gives each photo to the answering member that will
// have been busy the least: the seconds it reported busy with its last
// answer (decoding, analyzing, communicating; not waiting), plus the work
// handed to it since and not yet answered, projected from what the members
// report (decode seconds per unit of photo size, each rank's analyze
// seconds per unit). A member that waits for others' pixels reports little
// busy time and gets more decodes; one slowed down by anything (a shared
// core, larger photos) gets fewer. Ties go to the member whose turn it is
// (i mod g), so before anything is answered the rule is exactly i mod g.
// Which member decodes never changes a result: every member gets the same
// pixels.
class DecodeBalancer {
 public:
  explicit DecodeBalancer(PlanGroup group);
  // The world rank that decodes the group's photo `seq` (one of
  // group_responders(group, seq), since its answer carries the decode time),
  // `weight` being the photo's size in any unit (file bytes); books the
  // photo's projected work on its members.
  int assign(std::int64_t seq, double weight);
  // A member's answer for the group's photo `seq` of `weight`: the seconds
  // it spent decoding it (0 when it did not decode it) and analyzing it, and
  // its busy seconds since the start, this photo included.
  void learn(int rank, std::int64_t seq, double weight, double decode_seconds, double analyze_seconds,
             double busy_seconds);
  // What the balancer expects `rank` to have been busy once it has answered
  // every photo handed to it so far, in seconds.
  double expected_busy(int rank) const;

 private:
  std::size_t member(int rank) const;

  PlanGroup group_;
  std::vector<double> busy_;            // per member: busy seconds at its last answer
  std::vector<double> queued_;          // per member: projected seconds handed to it, not yet answered
  std::map<std::pair<std::int64_t, std::size_t>, double> booked_;  // (seq, member): what was queued
  std::vector<double> analyze_sum_;     // per member: analyze seconds ...
  std::vector<double> analyze_weight_;  // ... over the weight of the photos it answered
  double decode_sum_ = 0.0;
  double decode_weight_ = 0.0;
};

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
