#pragma once
// SIGTERM and SIGINT ask the run to stop, they do not kill it: the handler
// only records the signal, and the runners look at the flag where stopping
// is clean (thread mode before taking the next photo, MPI rank 0 in its
// loop), so the rows finished so far are written and the outputs closed.
#include <string>

namespace photoscore {

// Installs the handlers (every rank: under mpirun and srun every rank gets
// the signal, and a rank that died of it would take the job down). A second
// signal of the same kind while stopping ends the process the default way,
// for whoever really wants it gone now.
void install_stop_handlers();

// Whether a stop was asked for, and by which signal ("SIGTERM"; "" if none).
bool stop_requested();
std::string stop_signal_name();

}  // namespace photoscore
