#pragma once
// Consecutive rows, formatted for a run's sinks: what a rank that scored
// photos hands the rank that writes (or, in thread mode, a thread hands the
// writer). One section of bytes per RowFormat of the run's plan, in the
// plan's order; the writer gives each sink its section whole.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "output/row_format.hpp"

namespace photoscore {

struct RowBlock {
  std::int64_t first = 0;   // the first row's place in the run's file list
  std::int64_t count = 0;   // rows first, first + 1, ...
  std::int64_t errors = 0;  // error rows among them
  // The photo at `first` was abandoned as the run stopped (a decode that
  // could not end in time): not a verdict on it, so no row. The writer
  // writes nothing from `first` on; the block still counts its photos as
  // answered, and its sections are empty.
  bool stopped = false;
  std::vector<std::string> sections;
};

// Where `format`'s section is in a block made for `formats`: its index, or
// kNoSection when the run has no such sink.
inline constexpr std::size_t kNoSection = static_cast<std::size_t>(-1);
std::size_t section_of(const std::vector<RowFormat>& formats, RowFormat format);

// Formats rows into a block, one formatter per format of the plan.
class RowBlockBuilder {
 public:
  RowBlockBuilder(const std::vector<RowFormat>& formats, const FormatContext& context);
  // Row `index` of the runner's list, which must follow the block's last
  // row (or start an empty block). Formatters see it plus the context's
  // row_offset.
  void add(const ScoredRow& row, const ImageTiming& timing, std::int64_t index);
  // Photo `index`, abandoned as the run stopped: it must start the block,
  // which is then a stopped one (RowBlock::stopped) of that photo alone.
  void add_stopped(std::int64_t index);
  std::int64_t count() const { return block_.count; }
  std::int64_t first() const { return block_.first; }
  // The block so far; the builder starts an empty one.
  RowBlock take();

 private:
  std::vector<std::unique_ptr<RowFormatter>> formatters_;
  std::int64_t row_offset_ = 0;
  RowBlock block_;
};

// A block read in place from its bytes (sections point into them).
struct RowBlockView {
  std::int64_t first = 0;
  std::int64_t count = 0;
  std::int64_t errors = 0;
  bool stopped = false;
  std::vector<std::string_view> sections;
};

RowBlockView view_of(const RowBlock& block);

// A block as one buffer (what travels between ranks), and read back. The
// reader checks every length against the buffer and throws
// std::runtime_error on one that does not fit.
void encode_block(const RowBlock& block, std::string& out);
RowBlockView view_block(std::string_view bytes);

}  // namespace photoscore
