#pragma once
// A header is only a claim: a few kilobytes may say 20000 x 20000 pixels.
// Decoders allocate what a header claims only where that is cheap, or where
// the file is large enough to plausibly hold it; beyond that they first
// prove the data is there (a check on the compressed sizes, or a dry run
// that allocates nothing the size of the image), so a lying header costs a
// fraction of a second and no memory instead of gigabytes.
#include <cstdint>

namespace photoscore {

// Below this, allocating first and finding out later costs nothing worth
// guarding against.
inline constexpr std::uint64_t kUnprovenOutputBytes = std::uint64_t{64} << 20;

// Photos decode to a few times their file size; 32 times leaves room for
// flat graphics while keeping a header bomb's claim far out of reach.
inline constexpr std::uint64_t kPlausibleExpansion = 32;

inline bool needs_proof(std::uint64_t output_bytes, std::uint64_t input_bytes) {
  return output_bytes > kUnprovenOutputBytes && output_bytes / kPlausibleExpansion > input_bytes;
}

}  // namespace photoscore
