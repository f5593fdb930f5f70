// Hostile inputs at the decoder and file-reading level: headers that claim
// far more than the data holds, JPEGs of endless scans, uncompressed tiles
// of odd sizes. The end-to-end counterparts are tests/e2e/hostile_files.sh
// and special_files.sh; paths that are not regular files are
// run/test_read_file.cpp's.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

const std::filesystem::path kData = PHOTOSCORE_TEST_DATA;

Bytes photo(const std::string& name) {
  std::ifstream in(kData / "photos" / name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string error_of(const Bytes& bytes) {
  try {
    decode_image(bytes);
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "";
}

void put_be16(Bytes& out, std::size_t at, std::uint32_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v);
}

void append_le(Bytes& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// The JPEG with its frame header's size replaced.
Bytes with_jpeg_size(Bytes jpeg, std::uint16_t width, std::uint16_t height) {
  std::size_t at = 2;
  while (at + 9 < jpeg.size()) {
    const std::uint8_t marker = jpeg[at + 1];
    if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
      put_be16(jpeg, at + 5, height);
      put_be16(jpeg, at + 7, width);
      return jpeg;
    }
    at += 2 + (std::size_t{jpeg[at + 2]} << 8 | jpeg[at + 3]);
  }
  ADD_FAILURE() << "no frame header";
  return jpeg;
}

// A 64 x 64 gray progressive JPEG: a DC scan, then `scans` AC scans of one
// EOB run each. Every scan is valid; only their number is hostile.
Bytes many_scans_jpeg(int scans) {
  Bytes out{0xFF, 0xD8};
  auto segment = [&](std::uint8_t marker, const Bytes& body) {
    out.push_back(0xFF);
    out.push_back(marker);
    out.push_back(static_cast<std::uint8_t>((body.size() + 2) >> 8));
    out.push_back(static_cast<std::uint8_t>(body.size() + 2));
    out.insert(out.end(), body.begin(), body.end());
  };
  Bytes dqt{0};
  dqt.resize(65, 1);
  segment(0xDB, dqt);
  segment(0xC2, {8, 0, 64, 0, 64, 1, 1, 0x11, 0});
  // One-symbol tables, each the code "0": DC category 0; AC run of EOBs
  // 0x60 (64 + 6 extra bits: all 64 blocks of the image).
  Bytes dc{0x00, 1};
  dc.resize(17, 0);
  dc.push_back(0x00);
  segment(0xC4, dc);
  Bytes ac{0x10, 1};
  ac.resize(17, 0);
  ac.push_back(0x60);
  segment(0xC4, ac);
  segment(0xDA, {1, 1, 0x00, 0, 0, 0});
  out.insert(out.end(), 8, 0x00);  // 64 blocks, one 0 bit each
  for (int i = 0; i < scans; ++i) {
    segment(0xDA, {1, 1, 0x00, 1, 63, 0});
    out.push_back(0x01);  // "0", six 0 bits, one padding 1 bit
  }
  out.push_back(0xFF);
  out.push_back(0xD9);
  return out;
}

// A little-endian, uncompressed RGB TIFF of tw x th tiles.
Bytes tiled_tiff(std::uint32_t width, std::uint32_t height, std::uint32_t tw, std::uint32_t th,
                 const Bytes& rgb) {
  const std::uint32_t across = (width + tw - 1) / tw;
  const std::uint32_t down = (height + th - 1) / th;
  const std::uint32_t tile_bytes = tw * th * 3;
  Bytes data;
  for (std::uint32_t ty = 0; ty < down; ++ty) {
    for (std::uint32_t tx = 0; tx < across; ++tx) {
      for (std::uint32_t r = 0; r < th; ++r) {
        for (std::uint32_t c = 0; c < tw; ++c) {
          const std::uint32_t x = tx * tw + c;
          const std::uint32_t y = ty * th + r;
          for (int k = 0; k < 3; ++k)
            data.push_back(x < width && y < height ? rgb[3 * (y * width + x) + k] : 0);
        }
      }
    }
  }
  const std::uint32_t tiles = across * down;
  const std::uint32_t entries = 11;
  const std::uint32_t ifd_at = 8 + static_cast<std::uint32_t>(data.size());
  const std::uint32_t extra_at = ifd_at + 2 + 12 * entries + 4;
  Bytes tiff{'I', 'I', 42, 0};
  append_le(tiff, ifd_at, 4);
  tiff.insert(tiff.end(), data.begin(), data.end());
  append_le(tiff, entries, 2);
  auto entry = [&](std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t value) {
    append_le(tiff, tag, 2);
    append_le(tiff, type, 2);
    append_le(tiff, count, 4);
    append_le(tiff, value, 4);
  };
  entry(256, 4, 1, width);
  entry(257, 4, 1, height);
  entry(258, 3, 3, extra_at);
  entry(259, 3, 1, 1);
  entry(262, 3, 1, 2);
  entry(277, 3, 1, 3);
  entry(284, 3, 1, 1);
  entry(322, 4, 1, tw);
  entry(323, 4, 1, th);
  entry(324, 4, tiles, extra_at + 6);
  entry(325, 4, tiles, extra_at + 6 + 4 * tiles);
  append_le(tiff, 0, 4);
  for (int k = 0; k < 3; ++k) append_le(tiff, 8, 2);
  for (std::uint32_t t = 0; t < tiles; ++t) append_le(tiff, 8 + t * tile_bytes, 4);
  for (std::uint32_t t = 0; t < tiles; ++t) append_le(tiff, tile_bytes, 4);
  return tiff;
}

// ------------------------------------------------------------------ JPEG

TEST(HostileJpeg, SizeTheDataCannotHoldIsRefusedBeforeDecoding) {
  const std::string message = error_of(with_jpeg_size(photo("rocket.jpg"), 20000, 20000));
  EXPECT_EQ(message, "truncated JPEG data: 112525 bytes cannot hold 20000 x 20000 pixels");
  const std::string progressive = error_of(with_jpeg_size(photo("rocket_progressive.jpg"), 20000, 20000));
  EXPECT_EQ(progressive, "truncated JPEG data: 49459 bytes cannot hold 20000 x 20000 pixels");
}

// Twice the size fits the file, but the entropy data ends (at the EOI
// marker) halfway: libjpeg would paint the rest gray.
TEST(HostileJpeg, RowsPastTheDataAreAnErrorNotGray) {
  EXPECT_EQ(error_of(with_jpeg_size(photo("rocket.jpg"), 640, 854)),
            "corrupt JPEG data: premature end of data segment");
}

TEST(HostileJpeg, ScansBeyondTheLimitAreAnError) {
  EXPECT_EQ(decode_image(many_scans_jpeg(kMaxJpegScans - 1)).width, 64);
  EXPECT_EQ(error_of(many_scans_jpeg(kMaxJpegScans + 1)),
            "invalid JPEG: more than " + std::to_string(kMaxJpegScans) + " scans");
}

// ------------------------------------------------------------------ TIFF

// 16 x 16 RGB tiles are 768 bytes; libtiff refused them unless mapped.
TEST(HostileTiff, UncompressedTilesOfAnySizeDecode) {
  Bytes rgb;
  for (int i = 0; i < 21 * 18 * 3; ++i) rgb.push_back(static_cast<std::uint8_t>(i * 7));
  const RgbImage image = decode_image(tiled_tiff(21, 18, 16, 16, rgb));
  EXPECT_EQ(image.width, 21);
  EXPECT_EQ(image.height, 18);
  EXPECT_EQ(image.rgb, rgb);
}

TEST(HostileTiff, StripsThatCannotHoldTheClaimAreRefused) {
  Bytes tiff = tiled_tiff(16, 16, 16, 16, Bytes(16 * 16 * 3, 9));
  // Claim 20000 x 20000 with one 16 x 16 tile's data.
  std::size_t ifd = tiff[4] | tiff[5] << 8 | tiff[6] << 16;
  for (std::size_t e = ifd + 2; e < tiff.size(); e += 12) {
    const int tag = tiff[e] | tiff[e + 1] << 8;
    if (tag == 256 || tag == 257 || tag == 322 || tag == 323) {
      tiff[e + 8] = 0x20;
      tiff[e + 9] = 0x4E;
    }
    if (tag == 325) break;
  }
  const std::string message = error_of(tiff);
  EXPECT_EQ(message, "truncated TIFF data: 8 bytes of strips cannot hold 1200000000 bytes of samples");
}

// ------------------------------------------------------------------ WebP

TEST(HostileWebp, LosslessHeaderBombIsAnError) {
  Bytes webp = photo("coffee_lossless.webp");
  ASSERT_EQ(std::string(webp.begin() + 12, webp.begin() + 16), "VP8L");
  // 14-bit width - 1 and height - 1 after the 0x2F signature byte.
  const std::uint32_t size = (16383 - 1) | (16383 - 1) << 14;
  std::uint32_t bits = webp[21] | webp[22] << 8 | webp[23] << 16 | static_cast<std::uint32_t>(webp[24]) << 24;
  bits = (bits & ~0xFFFFFFFu) | size;
  for (int i = 0; i < 4; ++i) webp[21 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
  EXPECT_EQ(error_of(webp), "invalid WebP bitstream");
}

}  // namespace
}  // namespace photoscore
