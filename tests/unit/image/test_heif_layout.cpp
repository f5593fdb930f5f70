// The HEIF item reader that finds the size a decode will really produce
// (grids, overlays, rotations, iden chains), against files built here box by box.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "image/decode.hpp"
#include "image/heif_layout.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- ISO-BMFF boxes, enough for HEIF item structures ---------------------------
void put16(Bytes& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xFFFF);
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
Bytes box(const char* type, const Bytes& body) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(8 + body.size()));
  b.insert(b.end(), type, type + 4);
  append(b, body);
  return b;
}
Bytes full_box(const char* type, std::uint8_t version, std::uint32_t flags, const Bytes& body) {
  Bytes b;
  put32(b, (std::uint32_t{version} << 24) | flags);
  append(b, body);
  return box(type, b);
}

struct Item {
  std::uint16_t id;
  const char* type;
  std::uint32_t ispe_w, ispe_h;
  Bytes data;                         // in idat
  std::vector<std::uint16_t> inputs;  // dimg
  bool turned = false;
};

// A HEIF file of `items` (all data in idat), `primary` the primary one.
Bytes heif(const std::vector<Item>& items, std::uint16_t primary) {
  Bytes infes, iloc, ipma, idat, refs, props;
  put16(iloc, 0x4400);
  put16(iloc, static_cast<std::uint32_t>(items.size()));
  put32(ipma, static_cast<std::uint32_t>(items.size()));
  int prop = 0;
  for (const Item& item : items) {
    Bytes infe;
    put16(infe, item.id);
    put16(infe, 0);
    infe.insert(infe.end(), item.type, item.type + 4);
    infe.push_back(0);
    append(infes, full_box("infe", 2, 0, infe));
    put16(iloc, item.id);
    put16(iloc, 1);  // construction method 1: idat
    put16(iloc, 0);
    put16(iloc, 1);
    put32(iloc, static_cast<std::uint32_t>(idat.size()));
    put32(iloc, static_cast<std::uint32_t>(item.data.size()));
    append(idat, item.data);
    Bytes ispe;
    put32(ispe, item.ispe_w);
    put32(ispe, item.ispe_h);
    append(props, full_box("ispe", 0, 0, ispe));
    put16(ipma, item.id);
    ipma.push_back(item.turned ? 2 : 1);
    ipma.push_back(static_cast<std::uint8_t>(0x80 | ++prop));
    if (item.turned) {
      append(props, box("irot", Bytes{1}));
      ipma.push_back(static_cast<std::uint8_t>(0x80 | ++prop));
    }
    if (!item.inputs.empty()) {
      Bytes ref;
      put16(ref, item.id);
      put16(ref, static_cast<std::uint32_t>(item.inputs.size()));
      for (auto to : item.inputs) put16(ref, to);
      append(refs, box("dimg", ref));
    }
  }
  Bytes iinf;
  put16(iinf, static_cast<std::uint32_t>(items.size()));
  append(iinf, infes);
  Bytes pitm;
  put16(pitm, primary);
  Bytes meta;
  append(meta, full_box("pitm", 0, 0, pitm));
  append(meta, full_box("iinf", 0, 0, iinf));
  append(meta, full_box("iloc", 1, 0, iloc));
  if (!refs.empty()) append(meta, full_box("iref", 0, 0, refs));
  Bytes iprp = box("ipco", props);
  append(iprp, full_box("ipma", 0, 0, ipma));
  append(meta, box("iprp", iprp));
  append(meta, box("idat", idat));
  Bytes file = box("ftyp", Bytes{'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'});
  append(file, full_box("meta", 0, 0, meta));
  return file;
}

Bytes grid_data(int rows, int cols, std::uint32_t w, std::uint32_t h) {
  Bytes d{0, 1, static_cast<std::uint8_t>(rows - 1), static_cast<std::uint8_t>(cols - 1)};
  put32(d, w);
  put32(d, h);
  return d;
}

Bytes overlay_data(std::uint32_t w, std::uint32_t h) {
  Bytes d{0, 1};
  for (int i = 0; i < 4; ++i) put16(d, 0);
  put32(d, w);
  put32(d, h);
  put32(d, 0);
  put32(d, 0);
  return d;
}

Item tile(std::uint16_t id) { return {id, "hvc1", 64, 64, {}, {}}; }

TEST(HeifLayout, ACodedImageIsItsIspe) {
  const HeifLayout l = read_heif_layout(heif({tile(1)}, 1));
  EXPECT_EQ(l.width, 64);
  EXPECT_EQ(l.height, 64);
  EXPECT_EQ(l.decodes, 1u);
  EXPECT_EQ(l.items, 1u);
}

TEST(HeifLayout, AGridIsWhatItsDataDeclaresNotItsIspe) {
  Item grid{2, "grid", 64, 64, grid_data(2, 3, 190, 128), {1, 1, 1, 1, 1, 1}};
  const HeifLayout l = read_heif_layout(heif({tile(1), grid}, 2));
  EXPECT_EQ(l.width, 190);
  EXPECT_EQ(l.height, 128);
  EXPECT_EQ(l.decodes, 6u);
}

TEST(HeifLayout, ALyingOverlayIsItsCanvas) {
  Item overlay{2, "iovl", 64, 64, overlay_data(20000, 12000), {1}};
  const HeifLayout l = read_heif_layout(heif({tile(1), overlay}, 2));
  EXPECT_EQ(l.width, 20000);
  EXPECT_EQ(l.height, 12000);
}

TEST(HeifLayout, RotationSwapsTheSides) {
  Item turned{1, "hvc1", 64, 32, {}, {}, true};
  const HeifLayout l = read_heif_layout(heif({turned}, 1));
  EXPECT_EQ(l.width, 32);
  EXPECT_EQ(l.height, 64);
}

TEST(HeifLayout, AnIdenChainIsRefusedPastItsDepth) {
  std::vector<Item> items{tile(1)};
  for (std::uint16_t i = 2; i <= 12; ++i)
    items.push_back({i, "iden", 64, 64, {}, {static_cast<std::uint16_t>(i - 1)}});
  try {
    read_heif_layout(heif(items, 12));
    FAIL() << "an 11-deep iden chain was accepted";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("derived through more than"), std::string::npos) << e.what();
  }
  // One iden over a coded image is what cameras write: fine.
  EXPECT_EQ(read_heif_layout(heif({tile(1), {2, "iden", 64, 64, {}, {1}}}, 2)).width, 64);
}

TEST(HeifLayout, AGridOfGridsCountsEveryTile) {
  Item inner{2, "grid", 64, 64, grid_data(16, 16, 1024, 1024), std::vector<std::uint16_t>(256, 1)};
  Item outer{3, "grid", 64, 64, grid_data(16, 16, 16384, 16384), std::vector<std::uint16_t>(256, 2)};
  try {
    read_heif_layout(heif({tile(1), inner, outer}, 3));
    FAIL() << "65,536 tile decodes were accepted";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("coded images"), std::string::npos) << e.what();
  }
  // A small grid of grids is a size like any other.
  Item small_inner{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1, 1}};
  Item small_outer{3, "grid", 64, 64, grid_data(2, 2, 256, 256), {2, 2, 2, 2}};
  const HeifLayout l = read_heif_layout(heif({tile(1), small_inner, small_outer}, 3));
  EXPECT_EQ(l.width, 256);
  EXPECT_EQ(l.decodes, 16u);
}

TEST(HeifLayout, TooManyItemsAreRefused) {
  std::vector<Item> items;
  for (std::uint16_t i = 1; i <= kMaxHeifItems + 1; ++i) items.push_back(tile(i));
  EXPECT_THROW(read_heif_layout(heif(items, 1)), DecodeError);
}

TEST(HeifLayout, EveryTruncationIsAnErrorNeverACrash) {
  Item grid{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1, 1}};
  const Bytes file = heif({tile(1), grid}, 2);
  for (std::size_t n = 0; n < file.size(); ++n) {
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      read_heif_layout(cut);
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  // A grid whose tile count disagrees with its dimensions.
  Item short_grid{2, "grid", 64, 64, grid_data(2, 2, 128, 128), {1, 1, 1}};
  EXPECT_THROW(read_heif_layout(heif({tile(1), short_grid}, 2)), DecodeError);
}

}  // namespace
}  // namespace photoscore
