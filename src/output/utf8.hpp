#pragma once
#include <string>
#include <string_view>

namespace photoscore {

bool valid_utf8(std::string_view s);

// File names are bytes, but JSON, HDF5 and CSV readers (h5py, pandas,
// spreadsheets) decode text as UTF-8. Valid UTF-8 is kept byte for byte.
// Otherwise every byte that is not part of a valid UTF-8 sequence becomes
// the four characters \xNN (two lower-case hex digits) and every backslash
// \x5c, so the text is reversible: two names that differ only in invalid
// bytes stay distinct, and the original bytes can be found again
// (docs/hdf5.md). Every sink applies this one function.
std::string as_utf8(std::string_view s);

// For a terminal (the dashboard, error lines on stderr): as_utf8, then the
// control characters (C0, DEL and C1: a newline or ESC in a file name) as
// \xNN too, so no name can move the cursor, end a line or change colours.
std::string for_terminal(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end
// inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// `s` when it has at most `max_bytes` bytes; otherwise a prefix cut at a
// character boundary and ending in "...", of at most `max_bytes` bytes.
std::string fit_text(std::string_view s, std::size_t max_bytes);

}  // namespace photoscore
