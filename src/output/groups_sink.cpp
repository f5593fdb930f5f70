#include "output/groups_sink.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/utf8.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kMalformed = "malformed grouping rows";

class GroupingFormatter final : public RowFormatter {
 public:
  explicit GroupingFormatter(const FormatContext& context) : analyzers_(context.analyzers) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    const std::optional<GroupingPhoto> p = RunGrouping::photo_of(row, analyzers_);
    put_field(out, static_cast<std::uint8_t>(p ? 1 : 0));
    if (!p) return;
    put_field(out, p->hash);
    put_field(out, p->capture_us);
    put_field(out, p->quality);
    put_field(out, p->sharpness);
    put_field(out, p->brightness);
    put_field(out, static_cast<std::uint8_t>(p->degraded));
    put_text_field(out, row.filename);
  }

 private:
  std::vector<const AnalyzerSpec*> analyzers_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_grouping_formatter(const FormatContext& context) {
  return std::make_unique<GroupingFormatter>(context);
}

GroupsSink::GroupsSink(std::string path, const FormatContext& context, std::shared_ptr<RunGrouping> grouping)
    : FormattingSink(RowFormat::Grouping, context), path_(std::move(path)), grouping_(std::move(grouping)) {
  if (path_.empty()) throw std::runtime_error("cannot write the groups: no file named");
  if (!grouping_) throw std::logic_error("GroupsSink: no grouping");
  check_can_create(path_);
}

GroupsSink::GroupsSink(std::string path, std::vector<const AnalyzerSpec*> analyzers,
                       GroupingSettings settings)
    : GroupsSink(std::move(path), default_context(analyzers),
                 std::make_shared<RunGrouping>(analyzers, settings)) {}

void GroupsSink::open(const RunInfo&) { grouping_->clear(); }

void GroupsSink::append(std::string_view bytes, std::int64_t rows) {
  FieldReader in(bytes, kMalformed);
  for (std::int64_t r = 0; r < rows; ++r) {
    if (in.get<std::uint8_t>() == 0) {
      grouping_->skip();
      continue;
    }
    GroupingPhoto p;
    p.hash = in.get<std::uint64_t>();
    p.capture_us = in.get<std::int64_t>();
    p.quality = in.get<double>();
    p.sharpness = in.get<float>();
    p.brightness = in.get<float>();
    p.degraded = in.get<std::uint8_t>() != 0;
    grouping_->add_photo(p, in.text());
  }
  if (!in.done()) throw std::runtime_error(kMalformed);
}

std::string GroupsSink::text() const {
  using json = nlohmann::ordered_json;
  std::string out;
  for (const PhotoGroup& g : grouping_->groups()) {
    json members = json::array();
    // The names as the JSONL rows give them (as_utf8: invalid UTF-8
    // escaped reversibly), so a group's members are found among the rows.
    for (const std::uint64_t m : g.members) members.push_back(as_utf8(grouping_->filename(m)));
    const json line = {{"kind", group_kind_name(g.kind)},
                       {"members", members},
                       {"best", as_utf8(grouping_->filename(g.best))}};
    out += line.dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

void GroupsSink::close(const RunInfo&) { write_whole_file(path_, text()); }

}  // namespace photoscore
