#include "output/h5_record.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "output/utf8.hpp"

namespace photoscore {

// The file's numbers are little-endian and records are copied as they are.
static_assert(std::endian::native == std::endian::little, "records are written in the host's byte order");

namespace {

void put_text(const H5Field& f, std::string_view text, char* out) {
  // Valid UTF-8 (as every sink writes text), then null-padded to the width.
  const std::string utf8 = as_utf8(text);
  const std::string_view fits = utf8_prefix(utf8, f.size);
  std::memcpy(out + f.offset, fits.data(), fits.size());
  std::memset(out + f.offset + fits.size(), 0, f.size - fits.size());
}

template <typename T>
void put_number(const H5Field& f, T value, char* out) {
  std::memcpy(out + f.offset, &value, sizeof value);
}

double at_or_zero(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : 0.0; }

}  // namespace

void H5RecordLayout::add(std::string name, H5Field::Kind kind, std::size_t string_width) {
  std::size_t size = 8;
  if (kind == H5Field::Kind::I32) size = 4;
  if (kind == H5Field::Kind::Str) size = std::max<std::size_t>(1, string_width);
  fields_.push_back({std::move(name), kind, size_, size});
  size_ += size;
}

H5RecordLayout scores_layout(const RowSchema& schema, const TextWidths& widths) {
  H5RecordLayout layout;
  for (const Column& c : schema.columns()) {
    switch (c.type) {
      case ColumnType::Text: {
        std::size_t width = c.max_bytes;
        if (c.name == "filename") width = widths.filename;
        if (c.name == "path") width = widths.path;
        layout.add(c.name, H5Field::Kind::Str, width);
        break;
      }
      case ColumnType::Integer:
        layout.add(c.name, H5Field::Kind::I32);  // pixel counts; documented as int32
        break;
      case ColumnType::Number:
        layout.add(c.name, H5Field::Kind::F64);
        break;
    }
  }
  return layout;
}

H5RecordLayout images_layout(const std::vector<const AnalyzerSpec*>& analyzers, const TextWidths& widths) {
  using K = H5Field::Kind;
  H5RecordLayout layout;
  layout.add("index", K::I64);
  layout.add("filename", K::Str, widths.filename);
  layout.add("ranks", K::Str, widths.ranks);
  layout.add("read", K::F64);
  layout.add("decode", K::F64);
  for (const AnalyzerSpec* a : analyzers) layout.add("analyze_" + a->name, K::F64);
  layout.add("latency", K::F64);
  return layout;
}

void put_scores_record(const H5RecordLayout& layout, const RowSchema& schema, const ScoredRow& row, char* out) {
  const auto& fields = layout.fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const H5Field& f = fields[i];
    const Cell cell = schema.cell(row, i);
    // HDF5 has no null: "" for text, NaN for numbers, and -1 rather than 0
    // for integers: a decoded photo is never 0 pixels wide, but make the
    // "no size" case impossible to mistake for a real one.
    const bool null = std::holds_alternative<std::monostate>(cell);
    switch (f.kind) {
      case H5Field::Kind::Str:
        put_text(f, null ? std::string_view() : std::get<std::string_view>(cell), out);
        break;
      case H5Field::Kind::I32:
        put_number(f, null ? std::int32_t{-1} : static_cast<std::int32_t>(std::get<std::int64_t>(cell)), out);
        break;
      case H5Field::Kind::I64:
        put_number(f, null ? std::int64_t{-1} : std::get<std::int64_t>(cell), out);
        break;
      case H5Field::Kind::F64:
        put_number(f, null ? std::numeric_limits<double>::quiet_NaN() : std::get<double>(cell), out);
        break;
    }
  }
}

void put_images_record(const H5RecordLayout& layout, const ScoredRow& row, const ImageTiming& timing,
                       std::int64_t index, char* out) {
  const auto& f = layout.fields();
  std::size_t k = 0;
  put_number(f[k++], index, out);
  put_text(f[k++], row.filename, out);
  put_text(f[k++], ranks_text(timing.ranks), out);
  put_number(f[k++], timing.read_seconds, out);
  put_number(f[k++], timing.decode_seconds, out);
  for (std::size_t a = 0; k + 1 < f.size(); ++a) put_number(f[k++], at_or_zero(timing.analyzer_seconds, a), out);
  put_number(f[k], timing.latency_seconds, out);
}

std::string ranks_text(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(ranks[i]);
  }
  return out;
}

}  // namespace photoscore
