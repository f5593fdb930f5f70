#pragma once
// The JSONL leaves `source` out of every row that is not a camera RAW; the
// tables (HDF5, CSV) keep the column, empty there. with_source puts it back
// in JSONL order, so a table's row can be compared with the JSONL's.
#include <nlohmann/json.hpp>
#include <string>

namespace photoscore::test_support {

inline nlohmann::ordered_json with_source(const std::string& json) {
  auto j = nlohmann::ordered_json::parse(json);
  if (j.contains("source")) return j;
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& item : j.items()) {
    if (item.key() == "path") out["source"] = nullptr;
    out[item.key()] = item.value();
  }
  return out;
}

}  // namespace photoscore::test_support
