#include "output/groups_sink.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/utf8.hpp"

namespace photoscore {

GroupsSink::GroupsSink(std::string path, std::shared_ptr<RunGrouping> grouping)
    : path_(std::move(path)), grouping_(std::move(grouping)) {
  if (path_.empty()) throw std::runtime_error("cannot write the groups: no file named");
  if (!grouping_) throw std::logic_error("GroupsSink: no grouping");
  check_can_create(path_);
}

GroupsSink::GroupsSink(std::string path, std::vector<const AnalyzerSpec*> analyzers,
                       GroupingSettings settings)
    : GroupsSink(std::move(path), std::make_shared<RunGrouping>(std::move(analyzers), settings)) {}

void GroupsSink::open(const RunInfo&) { grouping_->clear(); }

void GroupsSink::write(const ScoredRow& row, const ImageTiming&) { grouping_->add(row); }

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
