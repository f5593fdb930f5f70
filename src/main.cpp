#include "startup/startup.hpp"

int main(int argc, char** argv) { return photoscore::run_photoscore(argc, argv); }
