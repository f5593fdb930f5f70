#include "output/jsonl_sink.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "output/row_json.hpp"

namespace photoscore {

JsonlSink::JsonlSink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
    : path_(std::move(path)), schema_(std::move(analyzers)) {
  file_ = std::fopen(path_.c_str(), "w");
  if (!file_) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

JsonlSink::~JsonlSink() {
  if (file_) std::fclose(file_);
}

void JsonlSink::write(const ScoredRow& row, const ImageTiming&) {
  std::string line = row_to_json(row, schema_);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
}

void JsonlSink::close(const RunInfo&) {
  if (file_ && std::fclose(file_) != 0) {
    file_ = nullptr;
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  file_ = nullptr;
}

}  // namespace photoscore
