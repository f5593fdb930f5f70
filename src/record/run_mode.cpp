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

std::string_view to_string(ReadMode read) {
  switch (read) {
    case ReadMode::Auto:
      return "auto";
    case ReadMode::Workers:
      return "workers";
    case ReadMode::Rank0:
      break;
  }
  return "rank0";
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

std::optional<ReadMode> parse_read_mode(std::string_view text) {
  if (text == "auto") return ReadMode::Auto;
  if (text == "rank0") return ReadMode::Rank0;
  if (text == "workers") return ReadMode::Workers;
  return std::nullopt;
}

}  // namespace photoscore
