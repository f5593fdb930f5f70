#include "output/row_block.hpp"

#include <cstring>
#include <stdexcept>

#include "record/byte_fields.hpp"

namespace photoscore {

std::size_t section_of(const std::vector<RowFormat>& formats, RowFormat format) {
  for (std::size_t f = 0; f < formats.size(); ++f) {
    if (formats[f] == format) return f;
  }
  return kNoSection;
}

RowBlockBuilder::RowBlockBuilder(const std::vector<RowFormat>& formats, const FormatContext& context)
    : row_offset_(context.row_offset) {
  for (RowFormat f : formats) formatters_.push_back(make_row_formatter(f, context));
  block_.sections.resize(formatters_.size());
}

void RowBlockBuilder::add(const ScoredRow& row, const ImageTiming& timing, std::int64_t index) {
  if (block_.stopped) throw std::logic_error("RowBlockBuilder: a row after a stopped photo, in its block");
  if (block_.count == 0) {
    block_.first = index;
  } else if (index != block_.first + block_.count) {
    throw std::logic_error("RowBlockBuilder: row " + std::to_string(index) + " does not follow row " +
                           std::to_string(block_.first + block_.count - 1));
  }
  for (std::size_t i = 0; i < formatters_.size(); ++i)
    formatters_[i]->format(row, timing, row_offset_ + index, block_.sections[i]);
  ++block_.count;
  block_.errors += row.ok ? 0 : 1;
}

void RowBlockBuilder::add_stopped(std::int64_t index) {
  if (block_.count != 0) throw std::logic_error("RowBlockBuilder: a stopped photo must start its block");
  block_.first = index;
  block_.count = 1;
  block_.stopped = true;
}

RowBlock RowBlockBuilder::take() {
  if (block_.count > 0 && !block_.stopped)
    for (std::size_t i = 0; i < formatters_.size(); ++i)
      formatters_[i]->seal(block_.sections[i], block_.count);
  RowBlock out = std::move(block_);
  block_ = RowBlock{};
  block_.sections.resize(formatters_.size());
  return out;
}

RowBlockView view_of(const RowBlock& block) {
  RowBlockView view{block.first, block.count, block.errors, block.stopped, {}};
  for (const std::string& s : block.sections) view.sections.emplace_back(s);
  return view;
}

// first, count, errors (int64), stopped (uint32: 0 or 1), sections
// (uint32), each section's size (uint64), then the sections' bytes.
void encode_block(const RowBlock& block, std::string& out) {
  std::size_t total = 3 * sizeof(std::int64_t) + 2 * sizeof(std::uint32_t);
  for (const std::string& s : block.sections) total += sizeof(std::uint64_t) + s.size();
  out.clear();
  out.reserve(total);
  put_field(out, block.first);
  put_field(out, block.count);
  put_field(out, block.errors);
  put_field(out, static_cast<std::uint32_t>(block.stopped ? 1 : 0));
  put_field(out, static_cast<std::uint32_t>(block.sections.size()));
  for (const std::string& s : block.sections) put_field(out, static_cast<std::uint64_t>(s.size()));
  for (const std::string& s : block.sections) out += s;
}

RowBlockView view_block(std::string_view bytes) {
  FieldReader r(bytes, "malformed block of rows: cut short");
  RowBlockView view;
  view.first = r.get<std::int64_t>();
  view.count = r.get<std::int64_t>();
  view.errors = r.get<std::int64_t>();
  const auto stopped = r.get<std::uint32_t>();
  const auto sections = r.get<std::uint32_t>();
  if (view.first < 0 || view.count < 0 || view.errors < 0 || view.errors > view.count || sections > 64 ||
      stopped > 1)
    throw std::runtime_error("malformed block of rows: bad header");
  view.stopped = stopped == 1;
  std::vector<std::uint64_t> sizes(sections);
  for (auto& s : sizes) s = r.get<std::uint64_t>();
  for (std::uint64_t s : sizes) {
    if (r.left() < s) throw std::runtime_error("malformed block of rows: a section runs past its end");
    view.sections.push_back(r.view(static_cast<std::size_t>(s)));
  }
  if (!r.done()) throw std::runtime_error("malformed block of rows: bytes after its sections");
  return view;
}

}  // namespace photoscore
