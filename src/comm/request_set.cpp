#include "comm/request_set.hpp"

#include <stdexcept>

namespace photoscore::mpi {

RequestSet::Slot RequestSet::take() {
  if (!free_.empty()) {
    const Slot slot = free_.back();
    free_.pop_back();
    return slot;
  }
  requests_.push_back(MPI_REQUEST_NULL);
  return requests_.size() - 1;
}

bool RequestSet::all_done(const std::vector<Slot>& slots) const {
  for (Slot s : slots) {
    if (!done(s)) return false;
  }
  return true;
}

void RequestSet::give_back(Slot slot) {
  if (!done(slot)) throw std::logic_error("RequestSet: a slot given back with its request in flight");
  free_.push_back(slot);
}

void RequestSet::give_back(std::vector<Slot>& slots) {
  for (Slot s : slots) give_back(s);
  slots.clear();
}

bool RequestSet::test() {
  if (requests_.empty()) return false;
  indices_.resize(requests_.size());
  int completed = 0;
  MPI_Testsome(static_cast<int>(requests_.size()), requests_.data(), &completed, indices_.data(),
               MPI_STATUSES_IGNORE);
  return completed != MPI_UNDEFINED && completed > 0;
}

}  // namespace photoscore::mpi
