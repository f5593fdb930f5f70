#pragma once

namespace photoscore {

// The whole program: options, mode, MPI session, the run, the exit code
// (app/exit_codes.hpp). main() only calls this.
int run_photoscore(int argc, char** argv);

}  // namespace photoscore
