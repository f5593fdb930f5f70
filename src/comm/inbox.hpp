#pragma once
// Messages of one tag received without waiting on their senders (internal to
// src/comm): each is matched as it arrives (MPI_Improbe) and received with
// MPI_Imrecv, so a large block of rows streams in while this rank goes on
// with other work. Where ranks share cores, a blocking receive of a large
// message lasts as long as its sender is off the core: time the receiving
// rank would spend doing nothing for nobody.
#include <mpi.h>

#include <algorithm>
#include <list>
#include <string>
#include <vector>

#include "comm/mpi_wait.hpp"

namespace photoscore::mpi {

class Inbox {
 public:
  Inbox(MPI_Comm comm, int tag) : comm_(comm), tag_(tag) {}

  // Starts receiving every message that has arrived; then hands each one
  // received whole to take(source, bytes), oldest first. True if anything moved.
  template <typename Take>
  bool pump(Take take) {
    bool moved = false;
    for (;;) {
      int found = 0;
      MPI_Message handle;
      MPI_Status status;
      MPI_Improbe(MPI_ANY_SOURCE, tag_, comm_, &found, &handle, &status);
      if (!found) break;
      int size = 0;
      MPI_Get_count(&status, MPI_BYTE, &size);
      Incoming& in = incoming_.emplace_back();
      in.source = status.MPI_SOURCE;
      in.bytes = take_spare(static_cast<std::size_t>(size));
      MPI_Imrecv(in.bytes.data(), size, MPI_BYTE, &handle, &in.request);
      moved = true;
    }
    for (auto it = incoming_.begin(); it != incoming_.end();) {
      if (!test(it->request)) {
        ++it;
        continue;
      }
      take(it->source, std::move(it->bytes));
      it = incoming_.erase(it);
      moved = true;
    }
    return moved;
  }
  bool empty() const { return incoming_.empty(); }
  // A message's buffer, done with, for a later message: its pages are
  // mapped already and a size it had needs no zeroing (on a virtual
  // machine, faulting fresh pages in costs as much as the receive itself).
  void recycle(std::string&& bytes) {
    if (spare_.size() < kSpares && bytes.capacity() > 0) spare_.push_back(std::move(bytes));
  }

 private:
  // The spare with the most room, `size` bytes long; growing one past its
  // room would copy its old bytes first, so it starts empty then, with room
  // for more.
  std::string take_spare(std::size_t size) {
    std::string bytes;
    if (!spare_.empty()) {
      auto roomiest = std::max_element(
          spare_.begin(), spare_.end(),
          [](const std::string& a, const std::string& b) { return a.capacity() < b.capacity(); });
      bytes = std::move(*roomiest);
      spare_.erase(roomiest);
    }
    if (bytes.capacity() < size) {
      // Room for the largest message yet and some: the spares soon hold any.
      largest_ = std::max(largest_, size);
      bytes.clear();
      bytes.reserve(largest_ + largest_ / 4);
    }
    bytes.resize(size);
    return bytes;
  }

  struct Incoming {
    int source = 0;
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  MPI_Comm comm_;
  int tag_;
  std::list<Incoming> incoming_;
  static constexpr std::size_t kSpares = 64;
  std::vector<std::string> spare_;
  std::size_t largest_ = 0;
};

}  // namespace photoscore::mpi
