#pragma once
// How a run executes, decided once at start-up from the options and the
// world size; everything after that switches on these enums, never on text.
#include <optional>
#include <string>
#include <string_view>

namespace photoscore {

// threads: one process, OpenMP threads each scoring whole photos.
// mpi: rank 0 reads and merges, the other ranks score.
enum class Mode { Threads, Mpi };

// How MPI ranks share the work. Threads is the layout of thread mode itself,
// recorded so that every result file names one.
//   roles: groups of analyzer ranks, each photo broadcast into a group;
//   farm:  every worker rank a group of one, scoring whole photos.
enum class Layout { Threads, Roles, Farm };

std::string_view to_string(Mode mode);
std::string_view to_string(Layout layout);
// The words of --mode and --layout; nullopt for any other text.
std::optional<Mode> parse_mode(std::string_view text);
std::optional<Layout> parse_layout(std::string_view text);

}  // namespace photoscore
