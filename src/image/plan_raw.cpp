#include <array>
#include <cstring>
#include <string>

#include "image/camera_raw.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

// Real DNGs have tiles of 256 x 256 or more: a 150 MP sensor has a few
// thousand. A million 16 x 16 ones kept LibRaw busy for 24 s.
constexpr std::uint64_t kMaxRawTiles = 65536;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// Deeper than LibRaw's open ever goes (its TIFF parser nests a frame of a
// few KiB per IFD level).
constexpr std::size_t kStackPaint = 128 * 1024;

thread_local RawReading t_last;
thread_local bool t_disagree = false;
thread_local bool t_any = false;
thread_local std::int64_t t_size = -1;  // of the bytes t_last read

// Fills the stack below the caller with `pattern`.
[[gnu::noinline]] void paint_stack(unsigned char pattern) {
  unsigned char region[kStackPaint];
  std::memset(region, pattern, sizeof region);
  asm volatile("" : : "r"(region) : "memory");
}

[[gnu::noinline]] int open_painted(LibRaw& raw, TrackedBuffer& stream, unsigned char pattern) {
  paint_stack(pattern);
  return raw.open_datastream(&stream);
}

// FNV-1a over the values LibRaw read (never a pointer).
class Digest {
 public:
  template <class T>
  void add(const T& value) {
    const auto* p = reinterpret_cast<const unsigned char*>(&value);
    for (std::size_t i = 0; i < sizeof value; ++i) h_ = (h_ ^ p[i]) * 0x100000001b3ull;
  }
  void add_text(const char* text) {
    for (; text && *text; ++text) add(*text);
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

std::uint64_t digest_of(LibRaw& raw, int rc) {
  Digest d;
  d.add(rc);
  if (rc != LIBRAW_SUCCESS) return d.value();
  const auto& s = raw.imgdata.sizes;
  d.add(s.raw_height), d.add(s.raw_width), d.add(s.height), d.add(s.width), d.add(s.top_margin);
  d.add(s.left_margin), d.add(s.iheight), d.add(s.iwidth), d.add(s.raw_pitch), d.add(s.pixel_aspect);
  d.add(s.flip), d.add(s.mask);
  const auto& i = raw.imgdata.idata;
  d.add(i.filters), d.add(i.colors), d.add(i.xtrans), d.add(i.xtrans_abs), d.add(i.cdesc), d.add(i.raw_count);
  d.add(i.is_foveon), d.add(i.dng_version), d.add_text(i.make), d.add_text(i.model);
  const auto& c = raw.imgdata.color;
  d.add(c.cam_mul), d.add(c.pre_mul), d.add(c.cmatrix), d.add(c.ccm), d.add(c.rgb_cam), d.add(c.cam_xyz);
  d.add(c.cblack), d.add(c.black), d.add(c.data_maximum), d.add(c.maximum), d.add(c.linear_max),
      d.add(c.curve);
  d.add(c.flash_used), d.add(c.canon_ev), d.add(c.white), d.add(c.raw_bps);
  const auto& t = raw.imgdata.thumbnail;
  d.add(t.tformat), d.add(t.twidth), d.add(t.theight), d.add(t.tlength), d.add(t.tcolors);
  const auto* internal = raw.get_internal_data_pointer();
  const auto& u = internal->unpacker_data;
  d.add(u.tiff_bps), d.add(u.tiff_compress), d.add(u.tiff_samples), d.add(u.tiff_sampleformat);
  d.add(u.load_flags), d.add(u.data_offset), d.add(u.data_size), d.add(u.tile_width), d.add(u.tile_length);
  d.add(u.zero_after_ff), d.add(u.strip_offset), d.add(u.meta_offset), d.add(u.meta_length);
  d.add(internal->internal_data.toffset);
  d.add_text(raw.unpack_function_name());
  return d.value();
}

}  // namespace

RawReading read_raw(LibRaw& raw, TrackedBuffer& stream, unsigned char pattern) {
  RawReading reading;
  reading.rc = open_painted(raw, stream, pattern);
  reading.raw = reading.rc == LIBRAW_SUCCESS && raw.imgdata.sizes.raw_width > 0;
  reading.digest = digest_of(raw, reading.rc);
  // Readings of one photo are compared (is_camera_raw's and decode_raw's);
  // another photo starts afresh.
  const auto size = static_cast<std::int64_t>(stream.size());
  if (!t_any || size != t_size) t_disagree = false;
  if (t_any && size == t_size && reading.digest != t_last.digest) t_disagree = true;
  t_any = true;
  t_size = size;
  t_last = reading;
  return reading;
}

RawReading last_raw_reading() { return t_last; }
bool raw_readings_disagree() { return t_disagree; }

void clear_raw_readings() {
  t_last = RawReading{};
  t_disagree = false;
  t_any = false;
  t_size = -1;
}

int TrackedBuffer::read(void* ptr, size_t size, size_t count) {
  const int got = LibRaw_buffer_datastream::read(ptr, size, count);
  if (watching_ && size > 0 && static_cast<size_t>(got) < count) ran_out_ = true;
  return got;
}

int TrackedBuffer::get_char() {
  const int c = LibRaw_buffer_datastream::get_char();
  if (watching_ && c < 0) ran_out_ = true;
  return c;
}

std::unique_ptr<LibRaw> make_libraw() {
  // No LibRaw chatter on stdout/stderr: failures come back as codes, data
  // errors through a handler the decoder sets (0.20 spells the flag so).
  auto raw = std::make_unique<LibRaw>(LIBRAW_OPIONS_NO_DATAERR_CALLBACK);
  raw->imgdata.params.output_bps = 8;
  raw->imgdata.params.use_camera_wb = 1;
  return raw;
}

bool jpeg_frame_size(const ReadAt& read, std::uint64_t offset, std::uint64_t length, int& width,
                     int& height) {
  std::array<std::uint8_t, 9> b{};
  if (length < 4 || !read(offset, 2, b.data()) || b[0] != 0xFF || b[1] != 0xD8) return false;
  // Marker segments up to the frame header, each skipped by its length:
  // a few reads, however large the APPn segments before it.
  std::uint64_t at = 2;
  for (int segments = 0; segments < 1000 && at + 4 <= length; ++segments) {
    if (!read(offset + at, 4, b.data())) return false;
    if (b[0] != 0xFF) return false;
    const std::uint8_t marker = b[1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    const std::uint16_t size = be16(b.data() + 2);
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (frame) {
      if (size < 8 || at + 9 > length || !read(offset + at, 9, b.data())) return false;
      height = be16(b.data() + 5);
      width = be16(b.data() + 7);
      return width > 0 && height > 0;
    }
    if (marker == 0xD9 || marker == 0xDA || size < 2) return false;  // no frame before the data
    at += 2 + size;
  }
  return false;
}

RawPlan plan_raw(LibRaw& raw, const ReadAt& read) {
  const auto& sizes = raw.imgdata.sizes;
  const auto& thumb = raw.imgdata.thumbnail;
  const double sensor = static_cast<double>(sizes.width) * static_cast<double>(sizes.height);
  const std::uint64_t offset =
      static_cast<std::uint64_t>(raw.get_internal_data_pointer()->internal_data.toffset);
  int preview_width = 0, preview_height = 0;
  // LibRaw 0.20 tells a preview's format only once unpacked: a JPEG is
  // recognised by its own bytes, and only a JPEG is scored.
  const bool jpeg =
      thumb.tlength > 0 && jpeg_frame_size(read, offset, thumb.tlength, preview_width, preview_height);
  const double preview = static_cast<double>(preview_width) * static_cast<double>(preview_height);
  RawPlan plan;
  if (jpeg && preview >= 0.25 * sensor) {
    plan.use_preview = true;
    plan.width = preview_width;
    plan.height = preview_height;
    plan.decoder_bytes = thumb.tlength;  // the preview's bytes, as LibRaw unpacks them
  } else {
    // dcraw_process turns the picture upright: a quarter turn swaps the sides.
    const bool turned = sizes.flip == 5 || sizes.flip == 6;
    plan.width = turned ? sizes.iheight : sizes.iwidth;
    plan.height = turned ? sizes.iwidth : sizes.iheight;
    // The sensor's 16-bit samples, LibRaw's 4 x 16-bit image and its 8-bit
    // RGB output.
    plan.decoder_bytes = 2ull * sizes.raw_width * sizes.raw_height + 8ull * sizes.iwidth * sizes.iheight +
                         3ull * sizes.iwidth * sizes.iheight;
  }
  return plan;
}

void check_raw_layout(LibRaw& raw) {
  const auto& unpacker = raw.get_internal_data_pointer()->unpacker_data;
  const auto& sizes = raw.imgdata.sizes;
  if (unpacker.tile_width == 0 || unpacker.tile_length == 0 || unpacker.tile_width >= sizes.raw_width) return;
  const std::uint64_t across = (sizes.raw_width + unpacker.tile_width - 1) / unpacker.tile_width;
  const std::uint64_t down = (sizes.raw_height + unpacker.tile_length - 1) / unpacker.tile_length;
  if (across * down > kMaxRawTiles) {
    throw DecodeError("camera RAW of " + std::to_string(across * down) + " tiles of " +
                      std::to_string(unpacker.tile_width) + "x" + std::to_string(unpacker.tile_length) +
                      " (more than " + std::to_string(kMaxRawTiles) + ")");
  }
}

}  // namespace photoscore
