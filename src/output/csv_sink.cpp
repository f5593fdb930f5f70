#include "output/csv_sink.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

// RFC 4180 ends every record with CRLF; line breaks inside quoted fields
// are kept as they are.
constexpr std::string_view kRecordEnd = "\r\n";

// Numbers as the JSONL prints them (shortest round-trip decimal), so a cell
// holds exactly the text of the archive's value.
struct ToField {
  std::string operator()(std::monostate) const { return {}; }
  std::string operator()(std::string_view v) const { return csv_field(as_utf8(v)); }
  std::string operator()(double v) const {
    return std::isfinite(v) ? nlohmann::json(v).dump() : std::string();
  }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
};

}  // namespace

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

CsvSink::CsvSink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
    : path_(std::move(path)), schema_(std::move(analyzers)) {
  if (path_.empty()) throw std::runtime_error("cannot write the CSV file: no file named");
  check_can_create(path_);
}

CsvSink::~CsvSink() {
  if (!file_) return;
  // Not closed: the run failed, and an incomplete file must not survive
  // under any name.
  std::fclose(file_);
  std::remove(partial_.c_str());
}

void CsvSink::open(const RunInfo&) {
  if (file_) throw std::logic_error("CsvSink::open called twice");
  file_ = create_partial_stream(path_, partial_);  // a new file, never through a link
  std::string header;
  for (const Column& c : schema_.columns()) {
    if (!header.empty()) header += ',';
    header += csv_field(c.name);
  }
  put(std::move(header));
}

void CsvSink::write(const ScoredRow& row, const ImageTiming&) {
  if (!file_) throw std::logic_error("CsvSink::write before open");
  std::string record;
  for (std::size_t i = 0; i < schema_.columns().size(); ++i) {
    if (i) record += ',';
    record += std::visit(ToField{}, schema_.cell(row, i));
  }
  put(std::move(record));
}

void CsvSink::close(const RunInfo&) {
  if (!file_) throw std::logic_error("CsvSink::close before open");
  // fclose is where buffered rows reach the file, so its failure is the
  // write's failure; the partial file is removed either way.
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fflush(file) != 0 || std::ferror(file)) {
    const int err = errno;
    std::fclose(file);
    std::remove(partial_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
  }
  if (std::fclose(file) != 0) {
    const int err = errno;
    std::remove(partial_.c_str());
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
  }
  try {
    publish(partial_, path_);
  } catch (...) {
    std::remove(partial_.c_str());
    throw;
  }
}

void CsvSink::put(std::string record) {
  record += kRecordEnd;
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    throw std::runtime_error("cannot write " + path_ + ": " + partial_ + ": " + std::strerror(errno));
  }
}

}  // namespace photoscore
