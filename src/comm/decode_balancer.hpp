#pragma once
// Who decodes each photo of a roles group (see DecodeBalancer). A pure
// computation on the plan and the members' reports: tested without MPI.
#include <cstdint>
#include <deque>
#include <vector>

#include "comm/mpi_plan.hpp"

namespace photoscore {

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
  // The same for every photo before `seq_end` that `rank` answers, at once
  // (rows come back in blocks): their decode and analyze seconds summed; the
  // weights are those given to assign().
  void learn_block(int rank, std::int64_t seq_end, double decode_seconds, double analyze_seconds,
                   double busy_seconds);
  // What the balancer expects `rank` to have been busy once it has answered
  // every photo handed to it so far, in seconds.
  double expected_busy(int rank) const;

 private:
  std::size_t member(int rank) const;

  // A photo handed to a member and not answered yet.
  struct Booked {
    std::int64_t seq;
    double weight;
    bool decodes;
    double work;  // projected seconds
  };

  PlanGroup group_;
  std::vector<double> busy_;                 // per member: busy seconds at its last answer
  std::vector<double> queued_;               // per member: projected seconds handed to it, not yet answered
  std::vector<std::deque<Booked>> booked_;  // per member, by seq
  std::vector<double> analyze_sum_;     // per member: analyze seconds ...
  std::vector<double> analyze_weight_;  // ... over the weight of the photos it answered
  double decode_sum_ = 0.0;
  double decode_weight_ = 0.0;
};

}  // namespace photoscore
