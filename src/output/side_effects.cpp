#include "output/side_effects.hpp"

#include "output/utf8.hpp"

namespace photoscore {

void SideEffectWarnings::warn(const std::string& target, const std::string& reason) {
  if (++count_ > kShown || !messages_) return;
  std::fprintf(messages_, "photoscore: warning: %s: no %s %s: %s\n", what_.c_str(), thing_.c_str(),
               for_terminal(target).c_str(), for_terminal(reason).c_str());
}

void SideEffectWarnings::summarize() const {
  if (count_ <= kShown || !messages_) return;
  std::fprintf(messages_, "photoscore: warning: %s: %lld %ss not made in all (the first %lld are above)\n",
               what_.c_str(), static_cast<long long>(count_), thing_.c_str(), static_cast<long long>(kShown));
}

}  // namespace photoscore
