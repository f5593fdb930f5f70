#pragma once
// What to say when the command line holds words CLI11 could not place:
// CLI11 lists every leftover word, the folder included, so `--analyzer
// sharpness DIR` (the option misspelt, its value taken for the folder) read
// "arguments were not expected: DIR --analyzer". The misspelt option is the
// mistake; this names it, with the option it most likely meant.
#include <string>
#include <vector>

namespace photoscore {

// "unknown option --recursve: did you mean --recursive?" for the words of
// `extras` that look like options (a leading '-'), each with the closest
// of `known` (long option names with their dashes) if one is close;
// "" when no extra looks like an option (CLI11's own message then stands).
std::string unknown_options_message(const std::vector<std::string>& extras,
                                    const std::vector<std::string>& known);

}  // namespace photoscore
