// One decoder (PHOTOSCORE_FUZZ_DECODER, e.g. decode_png) on arbitrary
// bytes. Refusing them is fine; crashing, reading out of bounds, undefined
// behaviour, hanging, a multi-line reason or an image whose buffer does not
// match its size is a finding.
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>

#include "image/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  photoscore::DecodeLimits limits;
  // Large enough to reach the header-bomb proofs (over 64 MiB of output),
  // small enough to stay inside libFuzzer's memory limit under ASan.
  limits.max_pixels = 40'000'000;
  try {
    const photoscore::RgbImage image = photoscore::PHOTOSCORE_FUZZ_DECODER(std::span(data, size), limits);
    if (image.width <= 0 || image.height <= 0 || image.rgb.size() != image.pixels() * 3) __builtin_trap();
  } catch (const photoscore::DecodeError& e) {
    const std::string_view reason = e.what();
    if (reason.empty() || reason.find('\n') != std::string_view::npos) __builtin_trap();
  } catch (const std::bad_alloc&) {
    // The pixel limit bounds what a decoder may ask for; libFuzzer's
    // -malloc_limit_mb reports anything larger before it gets here.
  }
  return 0;
}
