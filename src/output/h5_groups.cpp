#include "output/h5_groups.hpp"

#include "output/h5_table.hpp"

namespace photoscore::h5 {

void write_groups_table(hid_t file, const RunGrouping& grouping, const std::string& path) {
  using K = Table::Kind;
  Table table;
  table.add("group", K::I64);
  table.add("kind", K::Str);
  table.add("row", K::I64);
  table.add("filename", K::Str);
  table.add("best", K::I32);
  table.create(file, "groups", 1024, path);
  const auto& groups = grouping.groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const std::uint64_t member : groups[g].members) {
      table.begin_row();
      table.put_i64(static_cast<std::int64_t>(g));
      table.put_str(group_kind_name(groups[g].kind));
      table.put_i64(static_cast<std::int64_t>(member));
      // As /scores gives it (put_str escapes invalid UTF-8 reversibly).
      table.put_str(grouping.filename(member));
      table.put_i32(member == groups[g].best ? 1 : 0);
      table.end_row();
    }
  }
  table.close();
}

}  // namespace photoscore::h5
