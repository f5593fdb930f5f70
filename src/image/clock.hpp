#pragma once
// The one clock: every stage time, deadline and rate in photoscore is a
// difference of seconds_now() readings, whichever mode, rank or thread took
// them, so times taken on one thread and compared on another agree (rank 0
// compares a block's time against its writer's commit time, a decode is
// timed around work booked by the scorer). std::chrono::steady_clock:
// monotonic, the same in every process of a node, and cheap to read (a
// vDSO call). Not MPI_Wtime, which only comm/ could call, nor
// omp_get_wtime, whose origin is each process's own. In image/, the lowest
// folder, so that every folder can use it.
#include <chrono>

namespace photoscore {

using Clock = std::chrono::steady_clock;

// Seconds since the clock's epoch (the node's boot): only differences mean
// anything.
inline double seconds_now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

}  // namespace photoscore
