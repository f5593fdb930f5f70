// Detection by content: each codec's signature, tried in its sniff_rank
// order, then the codec's own word on the whole file (settle).
#include <algorithm>
#include <vector>

#include "image/codec.hpp"

namespace photoscore {

namespace {

std::vector<const Codec*> sniff_order() {
  std::vector<const Codec*> order(codecs().begin(), codecs().end());
  std::stable_sort(order.begin(), order.end(),
                   [](const Codec* a, const Codec* b) { return a->sniff_rank < b->sniff_rank; });
  return order;
}

const Codec* signed_codec(std::span<const std::uint8_t> bytes) {
  static const std::vector<const Codec*> kOrder = sniff_order();
  for (const Codec* codec : kOrder) {
    if (codec->sniff(bytes)) return codec;
  }
  return nullptr;
}

}  // namespace

ImageFormat detect_signature(std::span<const std::uint8_t> bytes) {
  const Codec* codec = signed_codec(bytes);
  return codec ? codec->format : ImageFormat::Unknown;
}

ImageFormat detect_format(std::span<const std::uint8_t> bytes) {
  const Codec* codec = signed_codec(bytes);
  if (!codec) return ImageFormat::Unknown;
  return codec->settle ? codec->settle(bytes) : codec->format;
}

}  // namespace photoscore
