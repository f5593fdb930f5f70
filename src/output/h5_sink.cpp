// Placeholder until the HDF5 writer lands: keeps rows in memory only.
#include "output/h5_sink.hpp"

namespace photoscore {

struct H5Sink::State {};

H5Sink::H5Sink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
    : path_(std::move(path)), analyzers_(std::move(analyzers)) {}
H5Sink::~H5Sink() { delete state_; }
void H5Sink::open(const RunInfo&) {}
void H5Sink::write(const ScoredRow&, const ImageTiming&) {}
void H5Sink::close(const RunInfo&) {}

}  // namespace photoscore
