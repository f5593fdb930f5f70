#include "record/verdict.hpp"

namespace photoscore {

namespace {

// The one place the words are spelt, in kVerdicts' order.
constexpr std::array<std::string_view, 4> kNames = {"post_it", "maybe", "delete", "error"};

}  // namespace

std::string_view verdict_name(Verdict verdict) { return kNames[static_cast<std::size_t>(verdict)]; }

std::optional<Verdict> verdict_named(std::string_view name) {
  for (Verdict v : kVerdicts) {
    if (verdict_name(v) == name) return v;
  }
  return std::nullopt;
}

}  // namespace photoscore
