#include "record/run_mode.hpp"

namespace photoscore {

std::string_view to_string(Mode mode) { return mode == Mode::Mpi ? "mpi" : "threads"; }

std::string_view to_string(Layout layout) {
  switch (layout) {
    case Layout::Roles:
      return "roles";
    case Layout::Farm:
      return "farm";
    case Layout::Threads:
      break;
  }
  return "threads";
}

std::optional<Mode> parse_mode(std::string_view text) {
  if (text == "threads") return Mode::Threads;
  if (text == "mpi") return Mode::Mpi;
  return std::nullopt;
}

std::optional<Layout> parse_layout(std::string_view text) {
  if (text == "roles") return Layout::Roles;
  if (text == "farm") return Layout::Farm;
  if (text == "threads") return Layout::Threads;
  return std::nullopt;
}

}  // namespace photoscore
