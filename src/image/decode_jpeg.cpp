#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

// jpeglib.h needs FILE and size_t declared before it.
#include <jerror.h>
#include <jpeglib.h>

#include "image/big_buffer.hpp"
#include "image/codec.hpp"
#include "image/data_proof.hpp"
#include "image/decode.hpp"

#define PHOTOSCORE_STRINGIFY2(x) #x
#define PHOTOSCORE_STRINGIFY(x) PHOTOSCORE_STRINGIFY2(x)

namespace photoscore {

namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool premature_end;
  // The entropy data ran into a marker before the last block: the blocks
  // after it would be invented (gray), so the photo is an error.
  bool hit_marker;
  bool too_many_scans;
};

// libjpeg's default error_exit calls exit(); jump back to decode_body instead.
[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings are never printed. The one that matters is the memory source
// running dry: libjpeg then pads with an EOI and paints the rest gray, where
// Pillow refuses the file as truncated, so it is remembered and made an error.
void on_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level >= 0) return;
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->premature_end = true;
  if (cinfo->err->msg_code == JWRN_HIT_MARKER) err->hit_marker = true;
  cinfo->err->num_warnings++;
}

// libjpeg calls this between iMCU rows, also while it swallows a progressive
// file's scans in jpeg_start_decompress: each scan costs a pass over the
// whole image, so a file of thousands of tiny scans (djpeg -maxscans guards
// against the same) takes seconds. Leaving here is leaving between
// libjpeg's own steps, as error_exit does.
void on_progress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxJpegScans) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    err->too_many_scans = true;
    std::longjmp(err->jump, 1);
  }
}

void on_output(j_common_ptr /*cinfo*/) {}

enum class Outcome { Ok, LibraryError, Truncated, Corrupt, TooLarge, TooSmallForSize };

struct Session {
  jpeg_decompress_struct cinfo{};
  ErrorManager err{};
  jpeg_progress_mgr progress{};
  bool created = false;
  ~Session() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

// Pillow's CMYK -> RGB. Its JPEG reader assumes Adobe's inverted CMYK, so it
// takes C = 255 - c and K = 255 - k from libjpeg's samples c, k, and then
// R = (255 - K) - C * (255 - K) / 255, the division rounded as its MULDIV255.
void cmyk_row_to_rgb(const JSAMPLE* cmyk, std::uint8_t* rgb, JDIMENSION width) {
  for (JDIMENSION x = 0; x < width; ++x) {
    const int nk = cmyk[3];
    for (int c = 0; c < 3; ++c) {
      const int inverted = 255 - cmyk[c];
      const int t = inverted * nk + 128;
      rgb[c] = static_cast<std::uint8_t>(nk - (((t >> 8) + t) >> 8));
    }
    cmyk += 4;
    rgb += 3;
  }
}

// Huffman coding spends at least one bit on every block of a component in
// its first scan (a sequential scan's DC code, a progressive DC scan's), so
// a file with fewer bits than some component has blocks cannot hold the
// image its header claims. Arithmetic coding can spend less, so it is not
// judged this way.
bool holds_every_block(const jpeg_decompress_struct& cinfo, std::size_t file_bytes) {
  if (cinfo.arith_code) return true;
  std::uint64_t fewest = UINT64_MAX;
  for (int c = 0; c < cinfo.num_components; ++c) {
    const jpeg_component_info& comp = cinfo.comp_info[c];
    fewest = std::min<std::uint64_t>(fewest, std::uint64_t{comp.width_in_blocks} * comp.height_in_blocks);
  }
  return std::uint64_t{file_bytes} * 8 >= fewest;
}

// The decoder's error handling, which the header probe shares: libjpeg's
// errors jump back, its warnings are remembered, nothing is printed.
void attach_errors(Session& s) {
  s.cinfo.err = jpeg_std_error(&s.err.pub);
  s.err.pub.error_exit = on_error;
  s.err.pub.emit_message = on_message;
  s.err.pub.output_message = on_output;
}

// Everything between setjmp and a longjmp lives in Session, RgbImage and
// cmyk_row, which the caller owns: no object with a destructor is skipped.
// rows_done runs between libjpeg calls, never inside one, so no longjmp
// crosses it.
Outcome decode_body(Session& s, std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    RgbImage& image, std::vector<JSAMPLE>& cmyk_row, const RowsDone* rows_done) {
  jpeg_decompress_struct& cinfo = s.cinfo;
  attach_errors(s);
  if (setjmp(s.err.jump)) return Outcome::LibraryError;

  jpeg_create_decompress(&cinfo);
  s.created = true;
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  s.progress.progress_monitor = on_progress;
  cinfo.progress = &s.progress;
  jpeg_read_header(&cinfo, TRUE);

  image.width = static_cast<int>(cinfo.image_width);
  image.height = static_cast<int>(cinfo.image_height);
  if (static_cast<std::uint64_t>(cinfo.image_width) * cinfo.image_height > limits.max_pixels)
    return Outcome::TooLarge;
  if (!holds_every_block(cinfo, bytes.size())) return Outcome::TooSmallForSize;
  // --- calibrated profile: DCT-domain downscaling, which also skips most
  // of the IDCT and color conversion work ---
  if (limits.jpeg_min_long_side > 0) {
    cinfo.scale_num = 1;
    cinfo.scale_denom = static_cast<unsigned>(
        jpeg_scale_denom(std::max(cinfo.image_width, cinfo.image_height), limits.jpeg_min_long_side));
    jpeg_calc_output_dimensions(&cinfo);
    image.width = static_cast<int>(cinfo.output_width);
    image.height = static_cast<int>(cinfo.output_height);
    image.scaled.source_width = static_cast<int>(cinfo.image_width);
    image.scaled.source_height = static_cast<int>(cinfo.image_height);
    image.scaled.factor = static_cast<int>(cinfo.scale_denom);
  }
  // --- end calibrated profile ---

  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  // Progressive files are read whole here, so a short file shows up already.
  if (s.err.premature_end) return Outcome::Truncated;
  if (s.err.hit_marker) return Outcome::Corrupt;

  const std::size_t row_bytes = std::size_t{3} * cinfo.output_width;
  const std::size_t size = row_bytes * cinfo.output_height;
  std::uint8_t* const pixels = pixel_storage(image, size);
  if (rows_done) (*rows_done)(0);
  if (cmyk) {
    cmyk_row.resize(std::size_t{4} * cinfo.output_width);
    while (cinfo.output_scanline < cinfo.output_height) {
      std::uint8_t* out = pixels + row_bytes * cinfo.output_scanline;
      JSAMPROW row = cmyk_row.data();
      jpeg_read_scanlines(&cinfo, &row, 1);
      cmyk_row_to_rgb(cmyk_row.data(), out, cinfo.output_width);
      if (s.err.premature_end || s.err.hit_marker) break;
      if (rows_done) (*rows_done)(static_cast<int>(cinfo.output_scanline));
    }
  } else {
    // Straight into the image, a whole iMCU row (up to 16 rows) per call.
    constexpr JDIMENSION kBatch = 16;
    JSAMPROW rows[kBatch];
    while (cinfo.output_scanline < cinfo.output_height) {
      const JDIMENSION first = cinfo.output_scanline;
      const JDIMENSION n = std::min<JDIMENSION>(kBatch, cinfo.output_height - first);
      for (JDIMENSION i = 0; i < n; ++i) rows[i] = pixels + row_bytes * (first + i);
      // Only a data source that ran dry returns no rows: a truncated file.
      if (jpeg_read_scanlines(&cinfo, rows, n) == 0) {
        s.err.premature_end = true;
        break;
      }
      // Stop at the first invented row rather than paint the rest gray.
      if (s.err.premature_end || s.err.hit_marker) break;
      if (rows_done) (*rows_done)(static_cast<int>(cinfo.output_scanline));
    }
  }
  // No jpeg_finish_decompress: Pillow does not require anything after the
  // last scanline to be intact either.
  if (s.err.premature_end) return Outcome::Truncated;
  return s.err.hit_marker ? Outcome::Corrupt : Outcome::Ok;
}

}  // namespace

void decode_jpeg_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                      const RowsDone* rows_done) {
  Session session;
  std::vector<JSAMPLE> cmyk_row;
  switch (decode_body(session, bytes, limits, image, cmyk_row, rows_done)) {
    case Outcome::Ok:
      return;
    case Outcome::Truncated:
      throw DecodeError("truncated JPEG data");
    case Outcome::Corrupt:
      throw DecodeError("corrupt JPEG data: premature end of data segment");
    case Outcome::TooSmallForSize:
      throw DecodeError("truncated JPEG data: " + std::to_string(bytes.size()) + " bytes cannot hold " +
                        std::to_string(image.width) + " x " + std::to_string(image.height) + " pixels");
    case Outcome::TooLarge:
      throw DecodeError("image is " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                        " pixels, over the limit of " + std::to_string(limits.max_pixels));
    case Outcome::LibraryError:
      break;
  }
  if (session.err.too_many_scans) {
    throw DecodeError("invalid JPEG: more than " + std::to_string(kMaxJpegScans) + " scans");
  }
  // A header cut short makes libjpeg fail on the fake EOI it inserted.
  if (session.err.premature_end) throw DecodeError("truncated JPEG data");
  const std::string reason = one_line_message(session.err.message);
  throw DecodeError(reason.empty() ? "invalid JPEG" : "invalid JPEG: " + reason);
}

RgbImage decode_jpeg(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  RgbImage image;
  decode_jpeg_into(bytes, limits, image);
  return image;
}

namespace {

bool sniff_jpeg(ByteSpan bytes) {
  static constexpr std::uint8_t kMagic[] = {0xFF, 0xD8, 0xFF};
  return bytes_at(bytes, 0, kMagic);
}

// libjpeg's jpeg_read_header, as the decoder calls it, on the file itself;
// what a longjmp may skip lives in the caller's Session, as in decode_body.
bool read_header(Session& s, std::FILE* file) {
  attach_errors(s);
  if (setjmp(s.err.jump)) return false;
  jpeg_create_decompress(&s.cinfo);
  s.created = true;
  jpeg_stdio_src(&s.cinfo, file);
  jpeg_read_header(&s.cinfo, TRUE);
  return true;
}

bool probe_jpeg(const ProbeSource& source, ImageProbe& probe) {
  std::rewind(source.file);
  Session s;
  if (!read_header(s, source.file)) return false;
  probe.width = static_cast<int>(s.cinfo.image_width);
  probe.height = static_cast<int>(s.cinfo.image_height);
  return true;
}

void decode_jpeg_rows(ByteSpan bytes, const DecodeLimits& limits, RgbImage& image,
                      const RowsDone* rows_done) {
  decode_jpeg_into(bytes, limits, image, rows_done);
}

void decode_jpeg_reusing(ByteSpan bytes, const DecodeLimits& limits, RgbImage& image) {
  decode_jpeg_into(bytes, limits, image);
}

// libjpeg-turbo can only say what it was compiled against.
std::string jpeg_version() {
#ifdef LIBJPEG_TURBO_VERSION
  return "libjpeg-turbo " PHOTOSCORE_STRINGIFY(LIBJPEG_TURBO_VERSION);
#else
  return "libjpeg " PHOTOSCORE_STRINGIFY(JPEG_LIB_VERSION);
#endif
}

constexpr std::string_view kExtensions[] = {".jpg", ".jpeg", ".jpe", ".jfif"};

}  // namespace

extern const Codec kJpegCodec;
constinit const Codec kJpegCodec{
    .format = ImageFormat::Jpeg,
    .name = "JPEG",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 0,
    .sniff = sniff_jpeg,
    .settle = nullptr,
    .probe = probe_jpeg,
    .decode = decode_jpeg,
    .decode_into = decode_jpeg_reusing,
    .decode_rows = decode_jpeg_rows,
    .library_version = jpeg_version,
    .isolated = false,
};

}  // namespace photoscore
