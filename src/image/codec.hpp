#pragma once
// One entry per image format: everything photoscore knows about a format
// sits in its codec file (decode_<format>.cpp, or <format>_codec.cpp beside
// a large decoder) as one Codec, and the table (codecs.cpp) lists them.
// Detection, dispatch, header probes, --list, the photo extensions, the
// --help text and the library versions all loop over the table, so a new
// format is its codec file, one line in the table, an ImageFormat value and
// its CMake line (README.md, "Adding an image format").
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "image/decode.hpp"
#include "image/probe.hpp"

namespace photoscore {

// What a header probe reads: the open file, its path (LibRaw opens it by
// name) and its first bytes (up to kProbePrefixBytes).
struct ProbeSource {
  std::FILE* file;
  const std::string& path;
  std::span<const std::uint8_t> prefix;
};

// Enough for every header a probe reads from the prefix (the largest, a
// VP8X chunk, sits within it).
inline constexpr std::size_t kProbePrefixBytes = 4096;

using ByteSpan = std::span<const std::uint8_t>;

// Whether `magic` sits in `bytes` at `offset`: what signatures are made of.
inline bool bytes_at(ByteSpan bytes, std::size_t offset, ByteSpan magic) {
  if (bytes.size() < offset + magic.size()) return false;
  for (std::size_t i = 0; i < magic.size(); ++i) {
    if (bytes[offset + i] != magic[i]) return false;
  }
  return true;
}

struct Codec {
  ImageFormat format;
  // As rows, --list and messages name it ("JPEG").
  std::string_view name;
  // As a sentence names it, where that differs from `name` ("camera RAW").
  std::string_view noun;
  // Lower case, with the dot. --help names the first `help_extensions` of
  // them (0: all) and says "and more" after.
  std::span<const std::string_view> extensions;
  std::size_t help_extensions;
  // Said in --help after the extensions ("" for none).
  std::string_view help_note;
  // Detection tries the signatures in this order, lowest first: a weak
  // signature (BMP's two bytes) goes after the strong ones.
  int sniff_rank;
  // Whether the leading bytes carry this format's signature.
  bool (*sniff)(ByteSpan bytes);
  // The format the whole file turns out to be, where the signature alone
  // cannot tell (a TIFF signature on a camera RAW); null: the signature's.
  ImageFormat (*settle)(ByteSpan bytes);
  // Width and height (and what else ImageProbe holds) from the header
  // alone; false when it cannot be read, probe.error saying why if the
  // reader knows better than "unreadable <name> header".
  bool (*probe)(const ProbeSource& source, ImageProbe& probe);
  // Decodes into a fresh image.
  RgbImage (*decode)(ByteSpan bytes, const DecodeLimits& limits);
  // Decodes into `image`, reusing its storage; null: decode and copy.
  void (*decode_into)(ByteSpan bytes, const DecodeLimits& limits, RgbImage& image);
  // Decodes into `image` calling rows_done as rows become final (see
  // decode_image_into); null for a decoder that delivers no rows early.
  void (*decode_rows)(ByteSpan bytes, const DecodeLimits& limits, RgbImage& image, const RowsDone* rows_done);
  // "libpng 1.6.39"; null for photoscore's own reader.
  std::string (*library_version)();
  // Decoded (and probed) in a decoder helper process when isolation is on
  // (decoder_helpers.hpp).
  bool isolated;
};

// Every format, in the order --help, --list and the messages name them.
std::span<const Codec* const> codecs();
// The entry of `format`; null for Unknown.
const Codec* codec_of(ImageFormat format);

// The --help words for the photo files ("JPEG (.jpg .jpeg .jpe .jfif), .png,
// ..."), and the formats as a list ("JPEG, PNG, ... and camera RAW").
std::string formats_help();
std::string formats_list();

}  // namespace photoscore
