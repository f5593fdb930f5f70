#pragma once
#include <string>
#include <string_view>

namespace photoscore {

bool valid_utf8(std::string_view s);

// File names are bytes, but HDF5 and CSV readers (h5py, pandas, spreadsheets)
// decode text as UTF-8. Invalid bytes become U+FFFD exactly as in the JSONL
// (nlohmann's "replace"), so every output holds the same text.
std::string as_utf8(std::string_view s);

}  // namespace photoscore
