#pragma once
// A photo's verdict, and the word every output writes for it: the JSONL's
// "verdict", --link-into's folders, the report's groups, the summary's
// counts, XMP's rating and label.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace photoscore {

// In the order the outputs list them. Error is a row's place among them
// when it has no verdict: its file could not be scored (status "error").
enum class Verdict : std::uint8_t { PostIt, Maybe, Delete, Error };

inline constexpr std::array<Verdict, 4> kVerdicts = {Verdict::PostIt, Verdict::Maybe, Verdict::Delete,
                                                     Verdict::Error};

// "post_it", "maybe", "delete" or "error".
std::string_view verdict_name(Verdict verdict);

// The verdict of that name; none for a word that names none.
std::optional<Verdict> verdict_named(std::string_view name);

}  // namespace photoscore
