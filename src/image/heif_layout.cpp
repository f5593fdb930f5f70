#include "image/heif_layout.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "image/decode.hpp"

namespace photoscore {

namespace {

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return (std::uint32_t(std::uint8_t(s[0])) << 24) | (std::uint32_t(std::uint8_t(s[1])) << 16) |
         (std::uint32_t(std::uint8_t(s[2])) << 8) | std::uint32_t(std::uint8_t(s[3]));
}

[[noreturn]] void invalid(const std::string& what) { throw DecodeError("invalid HEIF: " + what); }

// Big-endian reads within [at, end) of the file; running past the end is
// an invalid file.
class Cursor {
 public:
  Cursor(std::span<const std::uint8_t> bytes, std::size_t at, std::size_t end)
      : b_(bytes), at_(at), end_(end) {}
  std::uint64_t get(int n) {
    if (n < 0 || n > 8 || end_ - at_ < static_cast<std::size_t>(n)) invalid("a box ends early");
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | b_[at_++];
    return v;
  }
  std::uint32_t u8() { return static_cast<std::uint32_t>(get(1)); }
  std::uint32_t u16() { return static_cast<std::uint32_t>(get(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::size_t at() const { return at_; }
  std::size_t end() const { return end_; }
  std::size_t left() const { return end_ - at_; }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t at_;
  std::size_t end_;
};

struct Box {
  std::uint32_t type = 0;
  std::size_t body = 0;  // where its contents start
  std::size_t end = 0;
};

std::vector<Box> boxes(std::span<const std::uint8_t> bytes, std::size_t start, std::size_t end) {
  std::vector<Box> out;
  std::size_t at = start;
  while (end - at >= 8) {
    Cursor c(bytes, at, end);
    std::uint64_t size = c.u32();
    const std::uint32_t type = c.u32();
    if (size == 1) size = c.get(8);
    if (size == 0) size = end - at;
    if (size < c.at() - at || size > end - at) invalid("a box is larger than what holds it");
    out.push_back({type, c.at(), at + static_cast<std::size_t>(size)});
    at += static_cast<std::size_t>(size);
  }
  return out;
}

const Box* find(const std::vector<Box>& list, std::uint32_t type) {
  for (const Box& b : list)
    if (b.type == type) return &b;
  return nullptr;
}

struct Extent {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Item {
  std::uint32_t type = 0;
  int method = 0;  // iloc construction method: 0 the file, 1 idat
  std::vector<Extent> extents;
  std::vector<std::uint32_t> dimg;  // derived-image inputs, in order
  std::uint32_t ispe_width = 0;
  std::uint32_t ispe_height = 0;
  bool turned = false;  // irot by 90 or 270 degrees
};

struct Size {
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t decodes = 0;
};

class Layout {
 public:
  explicit Layout(std::span<const std::uint8_t> bytes) : b_(bytes) {}

  HeifLayout read() {
    const auto top = boxes(b_, 0, b_.size());
    const Box* meta = find(top, fourcc("meta"));
    if (!meta) invalid("no meta box");
    const auto parts = boxes(b_, meta->body + 4, meta->end);  // a full box: version and flags first
    const Box* pitm = find(parts, fourcc("pitm"));
    if (!pitm) invalid("no primary item");
    Cursor p(b_, pitm->body, pitm->end);
    const std::uint32_t primary = p.u8() == 0 ? (p.get(3), p.u16()) : (p.get(3), p.u32());
    if (const Box* idat = find(parts, fourcc("idat"))) idat_ = *idat;
    read_iinf(parts);
    if (const Box* iloc = find(parts, fourcc("iloc"))) read_iloc(*iloc);
    if (const Box* iref = find(parts, fourcc("iref"))) read_iref(*iref);
    if (const Box* iprp = find(parts, fourcc("iprp"))) read_iprp(*iprp);
    const Size s = resolve(primary, 0);
    HeifLayout layout;
    layout.width = static_cast<int>(s.width);
    layout.height = static_cast<int>(s.height);
    layout.decodes = s.decodes;
    layout.items = items_.size();
    return layout;
  }

 private:
  void read_iinf(const std::vector<Box>& parts) {
    const Box* iinf = find(parts, fourcc("iinf"));
    if (!iinf) invalid("no item information");
    Cursor c(b_, iinf->body, iinf->end);
    const std::uint32_t version = c.u8();
    c.get(3);
    const std::uint64_t count = version == 0 ? c.u16() : c.u32();
    if (count > kMaxHeifItems) {
      throw DecodeError("HEIF file of " + std::to_string(count) + " items (more than " +
                        std::to_string(kMaxHeifItems) + ")");
    }
    for (const Box& infe : boxes(b_, c.at(), iinf->end)) {
      if (infe.type != fourcc("infe")) continue;
      Cursor e(b_, infe.body, infe.end);
      const std::uint32_t v = e.u8();
      e.get(3);
      if (v < 2) continue;  // no item type: not an image
      const std::uint32_t id = v == 2 ? e.u16() : e.u32();
      e.u16();  // protection index
      items_[id].type = e.u32();
    }
    if (items_.size() > kMaxHeifItems) invalid("more items than its count");
  }

  void read_iloc(const Box& iloc) {
    Cursor c(b_, iloc.body, iloc.end);
    const std::uint32_t version = c.u8();
    c.get(3);
    const std::uint32_t sizes = c.u16();
    const int offset_size = static_cast<int>(sizes >> 12), length_size = static_cast<int>((sizes >> 8) & 15);
    const int base_size = static_cast<int>((sizes >> 4) & 15);
    const int index_size = version >= 1 ? static_cast<int>(sizes & 15) : 0;
    const std::uint64_t count = version < 2 ? c.u16() : c.u32();
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint32_t id = version < 2 ? c.u16() : c.u32();
      const int method = version >= 1 ? static_cast<int>(c.u16() & 15) : 0;
      c.u16();  // data reference index
      const std::uint64_t base = c.get(base_size);
      const std::uint32_t extents = c.u16();
      auto found = items_.find(id);
      for (std::uint32_t e = 0; e < extents; ++e) {
        c.get(index_size);
        const std::uint64_t offset = c.get(offset_size);
        const std::uint64_t length = c.get(length_size);
        if (found != items_.end()) found->second.extents.push_back({base + offset, length});
      }
      if (found != items_.end()) found->second.method = method;
    }
  }

  void read_iref(const Box& iref) {
    Cursor c(b_, iref.body, iref.end);
    const std::uint32_t version = c.u8();
    c.get(3);
    const int id_size = version == 0 ? 2 : 4;
    for (const Box& ref : boxes(b_, c.at(), iref.end)) {
      Cursor r(b_, ref.body, ref.end);
      const auto from = static_cast<std::uint32_t>(r.get(id_size));
      const std::uint32_t n = r.u16();
      auto found = items_.find(from);
      for (std::uint32_t i = 0; i < n; ++i) {
        const auto to = static_cast<std::uint32_t>(r.get(id_size));
        if (ref.type == fourcc("dimg") && found != items_.end()) found->second.dimg.push_back(to);
      }
    }
  }

  void read_iprp(const Box& iprp) {
    const auto parts = boxes(b_, iprp.body, iprp.end);
    const Box* ipco = find(parts, fourcc("ipco"));
    const Box* ipma = find(parts, fourcc("ipma"));
    if (!ipco || !ipma) return;
    const auto properties = boxes(b_, ipco->body, ipco->end);
    Cursor c(b_, ipma->body, ipma->end);
    const std::uint32_t version = c.u8();
    const std::uint32_t flags = static_cast<std::uint32_t>(c.get(3));
    const std::uint32_t entries = c.u32();
    for (std::uint32_t i = 0; i < entries; ++i) {
      const std::uint32_t id = version < 1 ? c.u16() : c.u32();
      const std::uint32_t n = c.u8();
      auto found = items_.find(id);
      for (std::uint32_t a = 0; a < n; ++a) {
        const std::uint32_t index = (flags & 1) ? (c.u16() & 0x7FFF) : (c.u8() & 0x7F);
        if (index == 0 || index > properties.size() || found == items_.end()) continue;
        const Box& prop = properties[index - 1];
        Cursor v(b_, prop.body, prop.end);
        if (prop.type == fourcc("ispe")) {
          v.get(4);  // version and flags
          found->second.ispe_width = v.u32();
          found->second.ispe_height = v.u32();
        } else if (prop.type == fourcc("irot")) {
          found->second.turned = (v.u8() & 1) != 0;
        }
      }
    }
  }

  // The first bytes of an item's data (a grid's or overlay's header).
  std::vector<std::uint8_t> data(const Item& item, std::size_t most) {
    std::vector<std::uint8_t> out;
    for (const Extent& e : item.extents) {
      std::uint64_t start = e.offset;
      std::uint64_t end_limit = b_.size();
      if (item.method == 1) {
        start += idat_.body;
        end_limit = idat_.end;
      } else if (item.method != 0) {
        invalid("item data by reference");
      }
      const std::uint64_t length = e.length == 0 ? end_limit - std::min(start, end_limit) : e.length;
      if (start > end_limit || length > end_limit - start) invalid("item data outside the file");
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(length, most - out.size()));
      out.insert(out.end(), b_.begin() + static_cast<std::ptrdiff_t>(start),
                 b_.begin() + static_cast<std::ptrdiff_t>(start + take));
      if (out.size() >= most) break;
    }
    return out;
  }

  Size add_inputs(const Item& item, int depth) {
    Size s;
    for (std::uint32_t input : item.dimg) {
      s.decodes += resolve(input, depth + 1).decodes;
      if (s.decodes > kMaxHeifDecodes) {
        throw DecodeError("HEIF image of more than " + std::to_string(kMaxHeifDecodes) +
                          " coded images (tiles counted through nested grids)");
      }
    }
    return s;
  }

  Size resolve(std::uint32_t id, int depth) {
    if (depth > kMaxHeifDerivation) {
      throw DecodeError("HEIF image derived through more than " + std::to_string(kMaxHeifDerivation) +
                        " levels (iden, grid and overlay items nested)");
    }
    if (auto known = sizes_.find(id); known != sizes_.end()) return known->second;
    const auto found = items_.find(id);
    if (found == items_.end()) invalid("a reference to a missing item");
    const Item& item = found->second;
    Size s;
    if (item.type == fourcc("grid")) {
      const std::vector<std::uint8_t> d = data(item, 12);
      Cursor c(d, 0, d.size());
      c.u8();  // version
      const bool wide = (c.u8() & 1) != 0;
      const std::uint64_t rows = c.u8() + 1;
      const std::uint64_t cells = rows * (c.u8() + 1);
      if (item.dimg.size() != cells)
        invalid("a grid with " + std::to_string(item.dimg.size()) + " of " + std::to_string(cells) +
                " tiles");
      s = add_inputs(item, depth);
      s.width = c.get(wide ? 4 : 2);
      s.height = c.get(wide ? 4 : 2);
    } else if (item.type == fourcc("iovl")) {
      const std::vector<std::uint8_t> d = data(item, 20);
      Cursor c(d, 0, d.size());
      c.u8();  // version
      const bool wide = (c.u8() & 1) != 0;
      c.get(8);  // fill colour
      if (item.dimg.empty()) invalid("an overlay of nothing");
      s = add_inputs(item, depth);
      s.width = c.get(wide ? 4 : 2);
      s.height = c.get(wide ? 4 : 2);
    } else if (item.type == fourcc("iden")) {
      if (item.dimg.size() != 1) invalid("an iden item without one input");
      s = resolve(item.dimg[0], depth + 1);
    } else if (item.type == fourcc("hvc1") || item.type == fourcc("av01") || item.type == fourcc("jpeg")) {
      s.width = item.ispe_width;
      s.height = item.ispe_height;
      s.decodes = 1;
    } else {
      // libheif 1.15 asserts on a derived image built from, say, Exif.
      invalid("an image made of a non-image item");
    }
    if (s.width == 0 || s.height == 0 || s.width > 0x7FFFFFFF || s.height > 0x7FFFFFFF) {
      invalid("an image of " + std::to_string(s.width) + "x" + std::to_string(s.height));
    }
    if (item.turned) std::swap(s.width, s.height);
    sizes_[id] = s;
    return s;
  }

  std::span<const std::uint8_t> b_;
  Box idat_;
  std::map<std::uint32_t, Item> items_;
  std::map<std::uint32_t, Size> sizes_;
};

}  // namespace

HeifLayout read_heif_layout(std::span<const std::uint8_t> bytes) { return Layout(bytes).read(); }

}  // namespace photoscore
