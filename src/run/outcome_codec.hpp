#pragma once
// Flat bytes for an ImageOutcome, so analyzer ranks can send their results
// to rank 0 without the comm layer knowing what an analyzer reports.
#include <cstdint>
#include <span>
#include <vector>

#include "run/process_image.hpp"

namespace photoscore {

std::vector<std::uint8_t> encode_outcome(const ImageOutcome& outcome);
// Throws std::runtime_error on malformed input.
ImageOutcome decode_outcome(std::span<const std::uint8_t> bytes);

}  // namespace photoscore
