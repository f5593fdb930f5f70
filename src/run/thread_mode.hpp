#pragma once
#include <vector>

#include "output/row_sink.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

// Thread mode from start to end: the run's lifecycle around run_threads()
// and the ordered writer, on `sinks`. Fills job.info.
void run_thread_mode(Job& job, const std::vector<InputFile>& files, RowSink& sinks);

}  // namespace photoscore
