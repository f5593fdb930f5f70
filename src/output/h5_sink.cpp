#include "output/h5_sink.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "output/h5_attributes.hpp"
#include "output/h5_column_docs.hpp"
#include "output/h5_error.hpp"
#include "output/h5_partial_file.hpp"
#include "output/h5_provenance.hpp"
#include "output/h5_table.hpp"
#include "output/partial_file.hpp"

namespace photoscore {

using h5::check;
using h5::checked;
using h5::Id;
using h5::Table;

namespace {

constexpr hsize_t kRowsPerChunk = 1024;
constexpr hsize_t kRanksPerChunk = 64;

Table::Kind kind_of(ColumnType type) {
  switch (type) {
    case ColumnType::Text:
      return Table::Kind::Str;
    case ColumnType::Integer:
      return Table::Kind::I32;  // pixel counts; documented as int32
    case ColumnType::Number:
      break;
  }
  return Table::Kind::F64;
}

// HDF5 has no null: NaN for numbers, "" for text, and -1 rather than 0 for
// integers: a decoded photo is never 0 pixels wide, but make the "no size"
// case impossible to mistake for a real one.
void put_cell(Table& t, ColumnType type, const Cell& cell) {
  const bool null = std::holds_alternative<std::monostate>(cell);
  switch (type) {
    case ColumnType::Text:
      t.put_str(null ? std::string_view() : std::get<std::string_view>(cell));
      break;
    case ColumnType::Integer:
      t.put_i32(null ? -1 : static_cast<std::int32_t>(std::get<std::int64_t>(cell)));
      break;
    case ColumnType::Number:
      t.put_f64(null ? std::numeric_limits<double>::quiet_NaN() : std::get<double>(cell));
      break;
  }
}

std::string ranks_text(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(ranks[i]);
  }
  return out;
}

double at_or_zero(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : 0.0; }

}  // namespace

struct H5Sink::State {
  std::string partial;
  bool partial_exists = false;
  Id file;
  Id run;
  Table scores;
  Table images;
  std::int64_t index = 0;
};

H5Sink::H5Sink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
    : path_(std::move(path)), schema_(std::move(analyzers)) {
  if (path_.empty()) throw std::runtime_error("cannot write the HDF5 file: --h5 names no file");
  check_can_create(path_);
}

H5Sink::~H5Sink() {
  if (!state_) return;
  // Not closed: the run failed, and an incomplete file must not survive
  // under any name.
  state_->scores = Table();
  state_->images = Table();
  state_->run.reset();
  state_->file.reset();
  if (state_->partial_exists) std::remove(state_->partial.c_str());
  delete state_;
}

void H5Sink::open(const RunInfo&) {
  if (state_) throw std::logic_error("H5Sink::open called twice");
  // After a failed write HDF5 cannot close the file, and its exit handler
  // then crashes trying again (HDF5 1.10); every file this sink opens is
  // closed or abandoned explicitly, so the handler has nothing to do.
  // Ignored when the library is already initialized.
  H5dont_atexit();
  // Failures become exceptions with the reason, not pages of HDF5 trace.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  state_ = new State;
  State& s = *state_;
  // Created with POSIX first, as a new file and never through a link, so
  // that "no such folder" or "permission denied" come back as errno, not as
  // an HDF5 trace; HDF5 then opens that very file (h5_partial_file.hpp).
  const int fd = create_partial(path_, s.partial);
  s.partial_exists = true;
  s.file = checked(H5Fcreate(h5_partial_file(fd, s.partial).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                   H5Fclose, path_, "creating " + s.partial);
  ::close(fd);
  {
    // Tracked so that h5py lists /run's attributes in the documented order,
    // not alphabetically.
    Id props = checked(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, path_, "creating /run");
    check(H5Pset_attr_creation_order(props.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path_,
          "creating /run");
    s.run = checked(H5Gcreate2(s.file.get(), "run", H5P_DEFAULT, props.get(), H5P_DEFAULT), H5Gclose, path_,
                    "creating /run");
  }

  for (const Column& c : schema_.columns()) s.scores.add(c.name, kind_of(c.type));
  s.scores.create(s.file.get(), "scores", kRowsPerChunk, path_);
  h5::write_column_docs(s.file.get(), schema_, path_);  // units and descriptions, in column order

  using K = Table::Kind;
  Id timing = checked(H5Gcreate2(s.file.get(), "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                      path_, "creating /timing");
  h5::Attributes(timing.get(), path_).str("units", "seconds");
  s.images.add("index", K::I64);
  s.images.add("filename", K::Str);
  s.images.add("ranks", K::Str);
  s.images.add("read", K::F64);
  s.images.add("decode", K::F64);
  for (const auto* a : schema_.analyzers()) s.images.add("analyze_" + a->name, K::F64);
  s.images.add("latency", K::F64);
  s.images.create(s.file.get(), "timing/images", kRowsPerChunk, path_);
}

void H5Sink::write(const ScoredRow& row, const ImageTiming& timing) {
  if (!state_) throw std::logic_error("H5Sink::write before open");
  State& s = *state_;
  Table& t = s.scores;
  t.begin_row();
  const auto& columns = schema_.columns();
  for (std::size_t i = 0; i < columns.size(); ++i) put_cell(t, columns[i].type, schema_.cell(row, i));
  t.end_row();

  const std::size_t analyzers = schema_.analyzers().size();
  Table& im = s.images;
  im.begin_row();
  im.put_i64(s.index++);
  im.put_str(row.filename);
  im.put_str(ranks_text(timing.ranks));
  im.put_f64(timing.read_seconds);
  im.put_f64(timing.decode_seconds);
  for (std::size_t a = 0; a < analyzers; ++a) im.put_f64(at_or_zero(timing.analyzer_seconds, a));
  im.put_f64(timing.latency_seconds);
  im.end_row();
}

void H5Sink::close(const RunInfo& info) {
  if (!state_) throw std::logic_error("H5Sink::close before open");
  State& s = *state_;
  s.scores.close();
  s.images.close();

  {
    using K = Table::Kind;
    const auto& analyzers = schema_.analyzers();
    Table ranks;
    ranks.add("rank", K::I32);
    ranks.add("role", K::Str);
    ranks.add("host", K::Str);
    for (const char* stage : {"wall", "read", "comm", "wait", "decode"}) ranks.add(stage, K::F64);
    for (const auto* a : analyzers) ranks.add("analyze_" + a->name, K::F64);
    for (const char* stage : {"analyze", "merge", "write", "other"}) ranks.add(stage, K::F64);
    ranks.add("images", K::I64);
    ranks.add("bytes_sent", K::I64);
    ranks.add("peak_memory", K::I64);
    ranks.create(s.file.get(), "timing/ranks", kRanksPerChunk, path_);
    for (const auto& r : info.rank_timings) {
      ranks.begin_row();
      ranks.put_i32(r.rank);
      ranks.put_str(r.role);
      ranks.put_str(r.host);
      ranks.put_f64(r.wall);
      ranks.put_f64(r.read);
      ranks.put_f64(r.comm);
      ranks.put_f64(r.wait);
      ranks.put_f64(r.decode);
      double analyze = 0.0;
      for (std::size_t a = 0; a < analyzers.size(); ++a) {
        ranks.put_f64(at_or_zero(r.analyze, a));
        analyze += at_or_zero(r.analyze, a);
      }
      ranks.put_f64(analyze);
      ranks.put_f64(r.merge);
      ranks.put_f64(r.write);
      ranks.put_f64(r.wall - (r.read + r.comm + r.wait + r.decode + analyze + r.merge + r.write));
      ranks.put_i64(r.images);
      ranks.put_i64(r.bytes_sent);
      ranks.put_i64(r.peak_memory);
      ranks.end_row();
    }
    ranks.close();
  }

  h5::write_provenance(s.run.get(), info, path_);
  s.run.reset();

  check(H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL), path_, "flushing");
  check(s.file.close(), path_, "closing");
  publish(s.partial, path_);
  s.partial_exists = false;
  delete state_;
  state_ = nullptr;
}

}  // namespace photoscore
