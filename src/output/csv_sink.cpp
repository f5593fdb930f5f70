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

class CsvFormatter final : public RowFormatter {
 public:
  explicit CsvFormatter(const FormatContext& context) : schema_(context.analyzers) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    bool first = true;
    for (std::size_t i = 0; i < schema_.columns().size(); ++i) {
      if (schema_.columns()[i].grouping) continue;
      if (!first) out += ',';
      first = false;
      out += std::visit(ToField{}, schema_.cell(row, i));
    }
    out += kRecordEnd;
  }

 private:
  RowSchema schema_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_csv_formatter(const FormatContext& context) {
  return std::make_unique<CsvFormatter>(context);
}

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

CsvSink::CsvSink(std::string path, const FormatContext& context)
    : FormattingSink(RowFormat::Csv, context), path_(std::move(path)) {
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
  const RowSchema schema(context().analyzers);
  for (const Column& c : schema.columns()) {
    if (c.grouping) continue;
    if (!header.empty()) header += ',';
    header += csv_field(c.name);
  }
  header += kRecordEnd;
  put(header);
}

void CsvSink::append(std::string_view records, std::int64_t) {
  if (!file_) throw std::logic_error("CsvSink::append before open");
  put(records);
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

void CsvSink::put(std::string_view records) {
  if (std::fwrite(records.data(), 1, records.size(), file_) != records.size()) {
    throw std::runtime_error("cannot write " + path_ + ": " + partial_ + ": " + std::strerror(errno));
  }
}

}  // namespace photoscore
