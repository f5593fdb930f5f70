#pragma once

namespace photoscore {

// The whole program: MPI start-up, options, the chosen runner, exit status.
int run_main(int argc, char** argv);

}  // namespace photoscore
