#pragma once
// The calibrated profile's view of a photo: the same photo at one fixed
// working resolution, so that what is measured on it (focus above all) means
// the same at 1 MP and at 24 MP. JPEGs are decoded already scaled down in
// the DCT domain (1/2 to 1/8, libjpeg-turbo's scale_denom), which also saves
// most of the decoding work; every format is then area-averaged to a longer
// side of kWorkingLongSide pixels. Photos already smaller are kept as they
// are: upscaling would invent nothing but blur.
//
// Everything here is integer arithmetic in a fixed order, so the working
// image is the same bytes on every machine and in every execution mode.
#include <cstdint>
#include <span>

#include "image/decode.hpp"
#include "image/rgb_image.hpp"

namespace photoscore {

inline constexpr int kWorkingLongSide = 1024;

// Decodes `bytes` and leaves the working image in `out`, with
// out.scaled.source_width/height the photo's own size and out.scaled.blocking
// its JPEG blocking (below). Throws DecodeError as decode_image does.
void decode_working_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& out);

// How much stronger the gray steps across the 8x8 JPEG block grid are than
// the steps elsewhere, in the decoded image `decoded` where a JPEG block is
// `period` pixels wide (8 at full size, 8/denom when DCT-scaled):
// ((mean |step| on the grid + 2) / (mean |step| off it + 2) - 1), in gray
// levels, never negative, times
// (8/period)^2 so that the same file reads about the same at every DCT scale
// (a quality-10 JPEG reads 1.5 to 1.8 at periods 2, 4 and 8; natural
// photos and quality 50 and above below 0.01). 0 where period < 2: a block
// is then a pixel and its edges cannot be told from detail.
double jpeg_blocking(const RgbImage& decoded, int period);

// Area-averages `in` to out_width x out_height (each no larger than in's):
// every output pixel is the exact mean of the input area it covers, input
// pixels cut by its edges weighted by the part inside, rounded to nearest.
void area_downscale(const RgbImage& in, int out_width, int out_height, RgbImage& out);

}  // namespace photoscore
