#pragma once
// Files that appear at their final path only once complete: written as
// PATH.partial-PID in the same folder, synced, then renamed over PATH. A
// file at PATH is therefore never half-written, and an older complete one
// is replaced only at the very end.
//
// A temporary file is always a new file (O_CREAT | O_EXCL | O_NOFOLLOW): a
// link planted under its name, or a leftover of a run that had the same
// pid, is never written through nor replaced; another name is taken instead.
#include <cstdio>
#include <string>
#include <string_view>

namespace photoscore {

// Throws "cannot write PATH: ..." unless a file could be created at `path`
// (its folder exists and is writable, and `path` is not a folder). Checked
// when a sink is made, before any photo is read: a job that cannot keep its
// results should not spend hours computing them.
void check_can_create(const std::string& path);

// PATH.partial-PID: distinct per process, so concurrent jobs writing the
// same PATH do not write into each other's file. (The name create_partial
// tries first.)
std::string partial_name(const std::string& path);

// Creates a new temporary file for `path`, in its folder, and returns its
// descriptor (write-only, close-on-exec), its name in `partial`: PATH.partial-PID,
// else PATH.partial-PID-2, -3, ... when that name is taken; where PATH's
// name is so long that these would pass the file system's 255 bytes,
// .photoscore-HASH.partial-PID (HASH: of the name) in the same folder.
// Throws "cannot write PATH: ...".
int create_partial(const std::string& path, std::string& partial);

// The same as a stdio stream ("w").
std::FILE* create_partial_stream(const std::string& path, std::string& partial);

// Syncs the closed file `partial` to disk, then renames it to `path`.
// Throws "cannot write PATH: ..." on failure, leaving `partial` in place.
void publish(const std::string& partial, const std::string& path);

// Writes `text` as the whole file at `path`, through a partial file and
// publish(): a reader sees the old file or the new one, never half of one.
void write_whole_file(const std::string& path, std::string_view text);

// Removes the temporary files of `path` that a run killed outright (SIGKILL,
// a node lost) left behind: named as create_partial names them, by a pid
// that is not running here, a regular file (not a link) owned by this user,
// with one name only, and either empty or starting with `magic` (what this
// kind of output starts with). Call only while holding the outputs' lock,
// so no live job is writing them. Each removal is said in one line on
// `messages`. Returns how many were removed.
int remove_dead_partials(const std::string& path, std::string_view magic, std::FILE* messages);

}  // namespace photoscore
