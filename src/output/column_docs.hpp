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

// The docs of the fixed columns, those every row has whatever its analyzers
// (an analyzer's fields carry their own: FieldSpec::unit, description). Any
// other name gets an empty unit and a generic description rather than
// failing; tests/unit/output/test_column_docs.cpp sees that no column does.
ColumnDoc column_doc(std::string_view name);

}  // namespace photoscore
