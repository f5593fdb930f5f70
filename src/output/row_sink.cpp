#include "output/row_sink.hpp"

#include <stdexcept>

#include "output/row_codec.hpp"

namespace photoscore {

void RowSink::append(std::string_view, std::int64_t) {
  throw std::logic_error("append() on a sink that acts on whole rows");
}

std::vector<RowFormat> RowSink::formats() const { return {format().value_or(RowFormat::Row)}; }

void RowSink::append_block(const RowBlockView& block) {
  if (block.sections.size() != 1) throw std::logic_error("a block of rows made for other sinks");
  if (format()) {
    append(block.sections.front(), block.count);
    return;
  }
  for (const TimedRow& r : decode_rows(block.sections.front(), block.count)) write(r.row, r.timing);
}

FormattingSink::FormattingSink(RowFormat format, const FormatContext& context)
    : format_(format), context_(context), formatter_(make_row_formatter(format, context_)) {}

void FormattingSink::write(const ScoredRow& row, const ImageTiming& timing) {
  scratch_.clear();
  formatter_->format(row, timing, written_++, scratch_);
  formatter_->seal(scratch_, 1);
  append(scratch_, 1);
}

void SinkSet::open(const RunInfo& info) {
  for (auto& s : sinks_) s->open(info);
}

void SinkSet::resume(const ScoredRow& row) {
  for (auto& s : sinks_) s->resume(row);
}

void SinkSet::write(const ScoredRow& row, const ImageTiming& timing) {
  for (auto& s : sinks_) s->write(row, timing);
}

std::vector<RowFormat> SinkSet::formats() const {
  std::vector<RowFormat> out;
  bool rows = false;
  for (const auto& s : sinks_) {
    if (const auto f = s->format()) {
      out.push_back(*f);
    } else {
      rows = true;
    }
  }
  if (rows) out.push_back(RowFormat::Row);
  return out;
}

void SinkSet::append_block(const RowBlockView& block) {
  std::size_t section = 0;
  std::vector<TimedRow> rows;
  bool decoded = false;
  std::size_t formatting = 0;
  for (const auto& s : sinks_) formatting += s->format() ? 1 : 0;
  if (block.sections.size() != formatting + (formatting < sinks_.size() ? 1 : 0))
    throw std::logic_error("a block of rows made for other sinks");
  for (auto& s : sinks_) {
    if (s->format()) {
      s->append(block.sections[section++], block.count);
      continue;
    }
    // The whole rows, decoded once for every sink that needs them.
    if (!decoded) {
      rows = decode_rows(block.sections.back(), block.count);
      decoded = true;
    }
    for (const TimedRow& r : rows) s->write(r.row, r.timing);
  }
}

void SinkSet::flush() {
  for (auto& s : sinks_) s->flush();
}

bool SinkSet::assemble_elsewhere() {
  for (auto& s : sinks_) {
    if (!s->assemble_elsewhere()) continue;
    if (tables_) throw std::logic_error("two sinks with record tables");
    tables_ = s.get();
  }
  return tables_ != nullptr;
}

std::vector<ChunkPiece> SinkSet::take_chunk_pieces() {
  return tables_ ? tables_->take_chunk_pieces() : std::vector<ChunkPiece>{};
}

void SinkSet::rows_complete() {
  for (auto& s : sinks_) s->rows_complete();
}

void SinkSet::write_filtered(std::uint64_t key, std::string&& filtered) {
  if (!tables_) throw std::runtime_error("a filtered chunk for no sink");
  tables_->write_filtered(key, std::move(filtered));
}

std::optional<JsonlTarget> SinkSet::lane_target() const {
  std::optional<JsonlTarget> target;
  for (const auto& s : sinks_) {
    std::optional<JsonlTarget> t = s->lane_target();
    if (!t) continue;
    if (target) throw std::logic_error("two sinks whose rows other ranks write");
    target = std::move(t);
  }
  return target;
}

// Only the sink that gave a lane_target() has grants or waits: the others
// answer with nothing, so every call goes to all.
std::vector<JsonlGrant> SinkSet::take_grants() {
  std::vector<JsonlGrant> all;
  for (auto& s : sinks_) {
    std::vector<JsonlGrant> g = s->take_grants();
    all.insert(all.end(), g.begin(), g.end());
  }
  return all;
}

void SinkSet::landed(std::uint64_t owner, std::uint64_t key) {
  for (auto& s : sinks_) {
    if (s->awaiting_lanes()) {
      s->landed(owner, key);
      return;
    }
  }
  throw std::runtime_error("rank " + std::to_string(owner) + " wrote rows nobody gave it");
}

bool SinkSet::awaiting_lanes() const {
  for (const auto& s : sinks_) {
    if (s->awaiting_lanes()) return true;
  }
  return false;
}

void SinkSet::close(const RunInfo& info) {
  for (auto& s : sinks_) s->close(info);
}

std::int64_t SinkSet::warnings() const {
  std::int64_t n = 0;
  for (const auto& s : sinks_) n += s->warnings();
  return n;
}

}  // namespace photoscore
