// The format table: one line per format, in the order --help, --list and
// the messages name them. Each entry lives in its format's own file.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "image/codec.hpp"

namespace photoscore {

extern const Codec kJpegCodec, kPngCodec, kTiffCodec, kWebpCodec, kBmpCodec, kHeifCodec, kRawCodec;

namespace {

constexpr std::array<const Codec*, 7> kCodecs = {&kJpegCodec, &kPngCodec,  &kTiffCodec, &kWebpCodec,
                                                 &kBmpCodec,  &kHeifCodec, &kRawCodec};

// "a, b and c"
std::string listed(const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    text += i == 0 ? "" : i + 1 == words.size() ? " and " : ", ";
    text += words[i];
  }
  return text;
}

std::string noun_of(const Codec& codec) { return std::string(codec.noun.empty() ? codec.name : codec.noun); }

}  // namespace

std::span<const Codec* const> codecs() { return kCodecs; }

const Codec* codec_of(ImageFormat format) {
  for (const Codec* codec : kCodecs) {
    if (codec->format == format) return codec;
  }
  return nullptr;
}

std::string_view format_name(ImageFormat format) {
  const Codec* codec = codec_of(format);
  return codec ? codec->name : "unknown";
}

std::string formats_help() {
  std::string text;
  for (const Codec* codec : kCodecs) {
    if (!text.empty()) text += ", ";
    if (codec->extensions.size() == 1 && codec->help_note.empty()) {
      text += codec->extensions.front();
      continue;
    }
    const std::size_t shown = codec->help_extensions == 0 ? codec->extensions.size() : codec->help_extensions;
    text += noun_of(*codec);
    text += " (";
    for (std::size_t i = 0; i < shown; ++i) {
      if (i > 0) text += ' ';
      text += codec->extensions[i];
    }
    if (shown < codec->extensions.size()) text += " and more";
    if (!codec->help_note.empty()) {
      text += "; ";
      text += codec->help_note;
    }
    text += ')';
  }
  return text;
}

std::string formats_list() {
  std::vector<std::string> nouns;
  for (const Codec* codec : kCodecs) nouns.push_back(noun_of(*codec));
  return listed(nouns);
}

}  // namespace photoscore
