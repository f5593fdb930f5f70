#include "output/h5_column_docs.hpp"

#include <vector>

#include "output/h5_attributes.hpp"
#include "output/h5_error.hpp"

namespace photoscore::h5 {

void write_column_docs(hid_t file, const RowSchema& schema, const std::string& path) {
  std::vector<std::string> names, units, descriptions;
  for (const Column& c : schema.columns()) {
    names.push_back(c.name);
    units.push_back(c.unit);
    descriptions.push_back(c.description);
  }
  Id scores = checked(H5Dopen2(file, "scores", H5P_DEFAULT), H5Dclose, path, "opening /scores");
  Attributes attributes(scores.get(), path);
  attributes.strings("columns", names);
  attributes.strings("units", units);
  attributes.strings("descriptions", descriptions);
}

}  // namespace photoscore::h5
