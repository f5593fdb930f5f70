#pragma once
// Requests in flight, tested together (internal to src/comm), as KaMPIng's
// request pool: each request is posted into a slot of one array, a slot is
// done once MPI has completed its request (MPI_Testsome sets it to
// MPI_REQUEST_NULL), and one call tests them all. An MPI test that finds
// nothing may yield the core (Open MPI does when ranks outnumber cores),
// and a rank that decodes looks at its messages often: one call, not one
// per request, and no list rebuilt for it.
#include <mpi.h>

#include <cstddef>
#include <vector>

namespace photoscore::mpi {

class RequestSet {
 public:
  using Slot = std::size_t;

  // A slot for a request about to be posted into request(slot).
  Slot take();
  MPI_Request* request(Slot slot) { return &requests_[slot]; }
  bool done(Slot slot) const { return requests_[slot] == MPI_REQUEST_NULL; }
  bool all_done(const std::vector<Slot>& slots) const;
  // The slots are no longer watched (their requests done); emptied.
  void give_back(std::vector<Slot>& slots);
  void give_back(Slot slot);
  // Tests every request at once; true if any completed.
  bool test();

 private:
  std::vector<MPI_Request> requests_;
  std::vector<int> indices_;  // MPI_Testsome's scratch
  std::vector<Slot> free_;
};

}  // namespace photoscore::mpi
