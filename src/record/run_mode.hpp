#pragma once
// How a run executes, decided once at start-up from the options and the
// world size; everything after that switches on these enums, never on text.
#include <optional>
#include <string>
#include <string_view>

namespace photoscore {

// threads: one process, OpenMP threads each scoring whole photos.
// mpi: rank 0 deals the photos and writes the rows, the other ranks score.
enum class Mode { Threads, Mpi };

// How MPI ranks share the work. Threads is the layout of thread mode itself,
// recorded so that every result file names one.
//   roles: groups of analyzer ranks, each photo broadcast into a group;
//   farm:  every worker rank a group of one, scoring whole photos.
enum class Layout { Threads, Roles, Farm };

// Who reads the photo files in MPI mode (--read).
//   auto:    every node checks at start that it sees the input as rank 0
//            listed it; the ranks of the nodes that do read their photos
//            themselves, rank 0 reads for the others (the default);
//   rank0:   rank 0 reads every file and sends its bytes; only rank 0's node
//            needs to see the input;
//   workers: rank 0 sends only the photo's path, and the rank that decodes
//            it reads the file; a node that cannot see the input is refused
//            at start.
enum class ReadMode { Auto, Rank0, Workers };

// Whether rank 0 deals to a leader a node (--leaders), which deals on to
// its node's groups: auto (for large jobs on several nodes), on, off.
enum class LeaderMode { Auto, On, Off };

std::string_view to_string(Mode mode);
std::string_view to_string(Layout layout);
std::string_view to_string(ReadMode read);
// The words of --mode and --layout; nullopt for any other text.
std::optional<Mode> parse_mode(std::string_view text);
std::optional<Layout> parse_layout(std::string_view text);
std::optional<ReadMode> parse_read_mode(std::string_view text);

}  // namespace photoscore
