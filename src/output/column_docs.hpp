#pragma once
#include <string>
#include <string_view>

namespace photoscore {

// What a results column holds, for readers of the HDF5 file who never saw
// the docs: its unit ("" where it has none, as for labels) and one line.
struct ColumnDoc {
  std::string unit;
  std::string description;
};

// The known columns' docs; a column added later without an entry gets an
// empty unit and a generic description rather than failing.
ColumnDoc column_doc(std::string_view name);

}  // namespace photoscore
