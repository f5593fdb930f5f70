#pragma once
// MPI mode. Rank 0 is the image source and the merger; the other ranks
// score, in groups that the layout defines (roles: one analyzer role per
// rank, photos broadcast into the group; farm: one worker per group, whole
// photos). Every group rank calls process_image(), as thread mode does, and
// rank 0 writes through the same ordered writer and run lifecycle, so the
// results cannot depend on the layout or the rank count.
#include <vector>

#include "output/row_sink.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

// Runs on every rank of MPI_COMM_WORLD (at least 2). Rank 0 passes the files
// and the sinks; the others pass an empty list and nullptr. The layout is
// job.info.layout. On rank 0, fills
// job.info (rank timings gathered from every rank, hosts, plan) and prints
// the plan. Throws std::runtime_error on failure.
void run_mpi(Job& job, const std::vector<InputFile>& files, RowSink* sinks);

}  // namespace photoscore
