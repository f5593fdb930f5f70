#pragma once
// Files that appear at their final path only once complete: written as
// PATH.partial-PID in the same folder, synced, then renamed over PATH. A
// file at PATH is therefore never half-written, and an older complete one
// is replaced only at the very end.
#include <string>
#include <string_view>

namespace photoscore {

// Throws "cannot write PATH: ..." unless a file could be created at `path`
// (its folder exists and is writable, and `path` is not a folder). Checked
// when a sink is made, before any photo is read: a job that cannot keep its
// results should not spend hours computing them.
void check_can_create(const std::string& path);

// PATH.partial-PID: distinct per process, so concurrent jobs writing the
// same PATH do not write into each other's file.
std::string partial_name(const std::string& path);

// Syncs the closed file `partial` to disk, then renames it to `path`.
// Throws "cannot write PATH: ..." on failure, leaving `partial` in place.
void publish(const std::string& partial, const std::string& path);

// Writes `text` as the whole file at `path`, through a partial file and
// publish(): a reader sees the old file or the new one, never half of one.
void write_whole_file(const std::string& path, std::string_view text);

}  // namespace photoscore
