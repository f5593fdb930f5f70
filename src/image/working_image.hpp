#pragma once
// The calibrated profile's view of a photo: the photo reduced by a power of
// two, 1/1 to 1/8 and beyond, to the smallest size whose longer side is
// still at least kWorkingMinLongSide pixels, so kWorkingMinLongSide to
// 2 * kWorkingMinLongSide - 1 pixels (photos already smaller are kept as
// they are: upscaling would invent nothing but blur). What is measured on it
// (focus above all) then means about the same at 1 MP and at 24 MP, and a
// photo and its 1/2 and 1/4 downscales have the very same working size.
//
// JPEGs are decoded already reduced, in the DCT domain (libjpeg-turbo's
// scale_denom), which skips most of the IDCT, upsampling and color
// conversion; and since that is the working image, no further pass over the
// photo is needed: it is scored strip by strip as the decoder delivers it.
// Other formats (and JPEGs over 8 x 2 x kWorkingMinLongSide pixels) are
// box-averaged by the remaining power of two.
//
// A power of two rather than one fixed size: the DCT scaling can only do
// those, and an exact fixed size would need a further resampling pass over
// every photo, which cost more than the whole scaled decode (docs/profiles.md).
//
// Everything here is integer arithmetic in a fixed order, so the working
// image is the same bytes on every machine and in every execution mode.
#include <cstdint>
#include <span>

#include "image/decode.hpp"
#include "image/rgb_image.hpp"

namespace photoscore {

inline constexpr int kWorkingMinLongSide = 768;

// The power-of-two reduction that brings a longer side of `long_side` pixels
// into the working range: 1 when it is below 2 * kWorkingMinLongSide.
int working_factor(long long long_side);

// Decodes `bytes` and leaves the working image in `out`, with
// out.scaled.source_width/height the photo's own size and out.scaled.factor
// the reduction. A JPEG whose reduced size is in the working range is
// decoded straight into `out`, calling `rows_done` as decode_image_into
// does; otherwise `rows_done` is never called. Throws DecodeError as
// decode_image does.
void decode_working_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& out,
                          const RowsDone* rows_done = nullptr);

// Box-averages `in` by `factor` (a power of two) into `out`: output pixel
// (x, y) is the mean of input pixels [x*factor, (x+1)*factor) x
// [y*factor, (y+1)*factor), rounded to nearest, the last row and column
// averaging the pixels there are (ceil(width / factor) outputs, as libjpeg's
// DCT scaling). out.scaled is left alone.
void box_downscale(const RgbImage& in, int factor, RgbImage& out);

// How much stronger the gray steps across the 8x8 JPEG block grid are than
// the steps elsewhere, where a JPEG block is `period` pixels wide (8 at full
// size, 8/factor in the working image), from the sums of |step| in gray
// levels x kGrayScale and their counts, on the grid and off it:
// ((mean on + 2) / (mean off + 2) - 1), never negative, times (8/period)^2
// so that the same file reads about the same at every DCT scale (a
// quality-10 JPEG reads 1.5 to 1.8 at periods 2, 4 and 8; natural photos
// and quality 50 and above below 0.01). 0 where period < 2: a block is then
// a pixel and its edges cannot be told from detail. The calibrated sharpness
// analyzer gathers the sums as it sweeps the photo.
double jpeg_blocking(std::int64_t on, std::int64_t n_on, std::int64_t off, std::int64_t n_off, int period);
// The same measured on a whole image (tests).
double jpeg_blocking(const RgbImage& decoded, int period);

}  // namespace photoscore
