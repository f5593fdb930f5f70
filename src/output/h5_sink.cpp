#include "output/h5_sink.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

#include "output/chunk_assembly.hpp"
#include "output/h5_attributes.hpp"
#include "output/h5_column_docs.hpp"
#include "output/h5_error.hpp"
#include "output/h5_groups.hpp"
#include "output/h5_partial_file.hpp"
#include "output/h5_provenance.hpp"
#include "output/h5_record.hpp"
#include "output/h5_record_table.hpp"
#include "output/h5_table.hpp"
#include "output/h5_timing_docs.hpp"
#include "output/partial_file.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

using h5::check;
using h5::checked;
using h5::Id;
using h5::Table;

namespace {

constexpr hsize_t kRanksPerChunk = 64;

double at_or_zero(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : 0.0; }

class H5Formatter final : public RowFormatter {
 public:
  explicit H5Formatter(const FormatContext& context)
      : schema_(context.analyzers, context.grouping),
        scores_(scores_layout(schema_, context.widths)),
        images_(images_layout(context.analyzers, context.widths)) {}
  void format(const ScoredRow& row, const ImageTiming& timing, std::int64_t index,
              std::string& out) const override {
    const std::size_t at = out.size();
    out.resize(at + scores_.size() + images_.size());
    put_scores_record(scores_, schema_, row, out.data() + at);
    put_images_record(images_, row, timing, index, out.data() + at + scores_.size());
  }
  // A block's /scores records together, then its /timing/images records,
  // after the row count (uint64): rank 0 appends each table's part of a
  // block with one copy.
  void seal(std::string& section, std::int64_t count) const override {
    const std::size_t rows = static_cast<std::size_t>(count);
    const std::size_t a = scores_.size();
    const std::size_t b = images_.size();
    if (section.size() != rows * (a + b))
      throw std::logic_error("H5 records: a section that is not whole rows");
    std::string out(sizeof(std::uint64_t) + section.size(), '\0');
    const auto n = static_cast<std::uint64_t>(rows);
    std::memcpy(out.data(), &n, sizeof n);
    char* scores = out.data() + sizeof n;
    char* images = scores + rows * a;
    for (std::size_t r = 0; r < rows; ++r) {
      std::memcpy(scores + r * a, section.data() + r * (a + b), a);
      std::memcpy(images + r * b, section.data() + r * (a + b) + a, b);
    }
    section = std::move(out);
  }

 private:
  RowSchema schema_;
  H5RecordLayout scores_;
  H5RecordLayout images_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_h5_formatter(const FormatContext& context) {
  return std::make_unique<H5Formatter>(context);
}

H5RecordSizes h5_record_sizes(const FormatContext& context) {
  return {static_cast<std::uint32_t>(
              scores_layout(RowSchema(context.analyzers, context.grouping), context.widths).size()),
          static_cast<std::uint32_t>(images_layout(context.analyzers, context.widths).size())};
}

struct H5Sink::State {
  std::string partial;
  bool partial_exists = false;
  Id file;
  Id run;
  h5::RecordTable scores;
  h5::RecordTable images;
  bool elsewhere = false;          // the tables are assembled by other ranks
  std::vector<ChunkPiece> pieces;  // rows that came here with records, for their chunks' owners
};

H5Sink::H5Sink(std::string path, const FormatContext& context, std::shared_ptr<const RunGrouping> grouping)
    : FormattingSink(RowFormat::H5, context),
      path_(std::move(path)),
      schema_(context.analyzers, context.grouping),
      grouping_(std::move(grouping)) {
  if (path_.empty()) throw std::runtime_error("cannot write the HDF5 file: --h5 names no file");
  check_can_create(path_);
}

H5Sink::~H5Sink() {
  if (!state_) return;
  // Not closed: the run failed, and an incomplete file must not survive
  // under any name.
  state_->scores = h5::RecordTable();
  state_->images = h5::RecordTable();
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

  s.scores.create(s.file.get(), "scores", scores_layout(schema_, context().widths),
                  static_cast<hsize_t>(kRowsPerChunk), path_);
  h5::write_column_docs(s.file.get(), schema_, path_);  // units and descriptions, in column order

  Id timing = checked(H5Gcreate2(s.file.get(), "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                      path_, "creating /timing");
  // Not one unit for all: each table's columns have their own (write_timing_docs).
  h5::Attributes(timing.get(), path_)
      .str("units", "per column: the units attribute of /timing/ranks and /timing/images");
  s.images.create(s.file.get(), "timing/images", images_layout(schema_.analyzers(), context().widths),
                  static_cast<hsize_t>(kRowsPerChunk), path_);
}

void H5Sink::append(std::string_view records, std::int64_t rows) {
  if (!state_) throw std::logic_error("H5Sink::append before open");
  State& s = *state_;
  const std::size_t scores = s.scores.record_size();
  const std::size_t images = s.images.record_size();
  if (s.elsewhere) {
    // Rows assembled by their chunks' owners come as their count; rows that
    // came with their records go on to the owners.
    if (!records.empty()) {
      for (ChunkPiece& piece : split_by_chunk(records, s.scores.rows(), static_cast<std::uint32_t>(scores),
                                              static_cast<std::uint32_t>(images)))
        s.pieces.push_back(std::move(piece));
    }
    s.scores.count(static_cast<std::size_t>(rows));
    s.images.count(static_cast<std::size_t>(rows));
    return;
  }
  // One or more sealed pieces (H5Formatter::seal), as blocks were joined.
  std::int64_t seen = 0;
  std::size_t at = 0;
  while (at < records.size()) {
    std::uint64_t n = 0;
    if (records.size() - at < sizeof n) throw std::logic_error("H5Sink::append: records of another layout");
    std::memcpy(&n, records.data() + at, sizeof n);
    at += sizeof n;
    if (n > (records.size() - at) / (scores + images))
      throw std::logic_error("H5Sink::append: records of another layout");
    const std::size_t count = static_cast<std::size_t>(n);
    s.scores.append(records.data() + at, count);
    s.images.append(records.data() + at + count * scores, count);
    at += count * (scores + images);
    seen += static_cast<std::int64_t>(count);
  }
  if (seen != rows) throw std::logic_error("H5Sink::append: records of another layout");
}

bool H5Sink::assemble_elsewhere() {
  if (!state_) throw std::logic_error("H5Sink::assemble_elsewhere before open");
  State& s = *state_;
  if (s.elsewhere) return true;
  s.elsewhere = true;
  // The rows of the chunk begun here (kept rows of a resumed run) go to its owner.
  std::string scores = s.scores.assemble_elsewhere();
  std::string images = s.images.assemble_elsewhere();
  const std::uint64_t held = scores.size() / s.scores.record_size();
  if (held > 0) {
    std::string sealed;
    put_field(sealed, held);
    sealed += scores;
    sealed += images;
    s.pieces =
        split_by_chunk(sealed, s.scores.rows() - held, static_cast<std::uint32_t>(s.scores.record_size()),
                       static_cast<std::uint32_t>(s.images.record_size()));
  }
  return true;
}

std::vector<ChunkPiece> H5Sink::take_chunk_pieces() {
  if (!state_) return {};
  return std::exchange(state_->pieces, {});
}

void H5Sink::rows_complete() {
  if (!state_) return;
  state_->scores.rows_complete();
  state_->images.rows_complete();
}

// Keys: the table (0 /scores, 1 /timing/images) in bit 48, the chunk below.
void H5Sink::write_filtered(std::uint64_t key, std::string&& filtered) {
  if (!state_) throw std::logic_error("H5Sink::write_filtered before open");
  h5::RecordTable& table = (key >> 48) == 0 ? state_->scores : state_->images;
  table.write_filtered(key & ((std::uint64_t{1} << 48) - 1), filtered);
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
    for (const char* stage : {"analyze", "merge", "write", "other", "cpu", "busy_cpu"})
      ranks.add(stage, K::F64);
    ranks.add("preempted", K::I64);
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
      ranks.put_f64(other_seconds(r));
      ranks.put_f64(r.cpu);
      ranks.put_f64(r.busy_cpu);
      ranks.put_i64(r.preempted);
      ranks.put_i64(r.images);
      ranks.put_i64(r.bytes_sent);
      ranks.put_i64(r.peak_memory);
      ranks.end_row();
    }
    ranks.close();
  }
  h5::write_timing_docs(s.file.get(), info.mode == Mode::Threads, path_);  // units and descriptions
  if (grouping_) h5::write_groups_table(s.file.get(), *grouping_, path_);

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
