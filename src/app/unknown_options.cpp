#include "app/unknown_options.hpp"

#include <algorithm>
#include <cstddef>

namespace photoscore {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known option nearest `word`, if it is near enough to be a slip: two
// edits at most, and fewer than a third of the word (so --ab does not
// suggest --h5). A word that starts a known option is one cut short.
std::string closest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = 3;
  for (const std::string& option : known) {
    const std::size_t d = option.rfind(word, 0) == 0 && word.size() > 3 ? 1 : edit_distance(word, option);
    if (d < best_distance && 3 * d < word.size()) {
      best = option;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

std::string unknown_options_message(const std::vector<std::string>& extras,
                                    const std::vector<std::string>& known) {
  std::string message;
  for (const std::string& extra : extras) {
    // A leading '-' and no digit after it: -5 is a value, not an option.
    if (extra.size() < 2 || extra[0] != '-' || (extra[1] >= '0' && extra[1] <= '9')) continue;
    const std::string word = extra.substr(0, extra.find('='));  // --recursve=1 is --recursve
    message += message.empty() ? "unknown option " : "; unknown option ";
    message += word;
    if (const std::string near = closest(word, known); !near.empty())
      message += ": did you mean " + near + "?";
  }
  return message;
}

}  // namespace photoscore
