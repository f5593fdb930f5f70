// Prints each photo's three perceptual hashes, decoded as photoscore decodes
// it, and a JPEG's capture time: "DHASH PHASH WHASH TIME PATH", the hashes in
// hex, TIME as in the rows or "-" when there is none; a line a photo ("error
// MESSAGE PATH" when it cannot be decoded). analysis/hash_choice.py compares
// the hashes.
//
//   build/bench/photoscore_hash_files PHOTO...
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <vector>

#include "analysis/perceptual_hash.hpp"
#include "image/capture_time.hpp"
#include "image/decode.hpp"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    try {
      std::ifstream in(argv[i], std::ios::binary);
      const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                            std::istreambuf_iterator<char>()};
      const photoscore::RgbImage img = photoscore::decode_image(bytes);
      const std::size_t stride = 3 * static_cast<std::size_t>(img.width);
      const auto time = photoscore::jpeg_capture_time(bytes);
      std::printf("%016llx %016llx %016llx %s %s\n",
                  static_cast<unsigned long long>(
                      photoscore::difference_hash(img.rgb.data(), img.width, img.height, stride)),
                  static_cast<unsigned long long>(
                      photoscore::dct_hash(img.rgb.data(), img.width, img.height, stride)),
                  static_cast<unsigned long long>(
                      photoscore::wavelet_hash(img.rgb.data(), img.width, img.height, stride)),
                  time ? photoscore::capture_time_text(*time).c_str() : "-", argv[i]);
    } catch (const std::exception& e) {
      std::printf("error %s %s\n", e.what(), argv[i]);
    }
  }
  return 0;
}
