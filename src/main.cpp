#include "comm/run_main.hpp"

int main(int argc, char** argv) { return photoscore::run_main(argc, argv); }
