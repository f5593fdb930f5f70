// HEIF (iPhone HEIC) through libheif: the primary image, with its rotation
// and mirroring applied as libheif does by default, to 8-bit RGB. With
// decoder helpers on, this runs in a helper process (decoder_helpers.hpp).
#include <libheif/heif.h>
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "image/big_buffer.hpp"
#include "image/codec.hpp"
#include "image/decode.hpp"
#include "image/heif_capture_time.hpp"
#include "image/heif_layout.hpp"

namespace photoscore {

namespace {

void check(const heif_error& error, const std::string& what) {
  if (error.code == heif_error_Ok) return;
  if (error.code == heif_error_Memory_allocation_error &&
      error.subcode != heif_suberror_Security_limit_exceeded) {
    throw std::bad_alloc();
  }
  throw DecodeError(what + ": " + one_line_message(error.message));
}

// The most an HEVC coded picture exceeds the image it holds, on a side:
// one coding tree block.
constexpr int kCodedPadding = 64;

// libheif's YCbCr planes and its interleaved RGB image, and the RGB handed on.
constexpr std::uint64_t kHeifDecodeBytesPerPixel = 8;

void check_size(std::uint64_t width, std::uint64_t height, const char* what, const DecodeLimits& limits) {
  if (width * height > limits.max_pixels) {
    throw DecodeError(std::string(what) + " of " + std::to_string(width) + "x" + std::to_string(height) +
                      " exceeds the pixel limit");
  }
}

}  // namespace

RgbImage decode_heif(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  RgbImage image;
  decode_heif_into(bytes, limits, image);
  return image;
}

void decode_heif_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image) {
  // The size the decode will produce, from the file's own items: not the
  // primary handle's ispe, which a grid or an overlay may contradict.
  const HeifLayout layout = read_heif_layout(bytes);
  const std::uint64_t area =
      static_cast<std::uint64_t>(layout.width) * static_cast<std::uint64_t>(layout.height);
  check_size(static_cast<std::uint64_t>(layout.width), static_cast<std::uint64_t>(layout.height),
             "HEIF image", limits);
  refuse_memory("HEIF image of " + std::to_string(layout.width) + "x" + std::to_string(layout.height),
                kHeifDecodeBytesPerPixel * area + bytes.size(), limits);
  std::unique_ptr<heif_context, void (*)(heif_context*)> context(heif_context_alloc(), heif_context_free);
  if (!context) throw std::bad_alloc();
  // libheif's own limit as a second line: no side longer than ours, plus
  // what a codec may pad: an HEVC picture is coded in whole blocks of up to
  // 64 x 64 and cropped to its size (heif-enc codes a 451 x 300 photo as
  // 456 x 304, which libheif checks against this limit too).
  heif_context_set_maximum_image_size_limit(context.get(),
                                            std::max(layout.width, layout.height) + kCodedPadding);
  // Tiles on the caller's threads only: a thread of thread mode decodes
  // one photo among many (0: on this thread); a rank's decoder, with all.
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  heif_context_set_max_decoding_threads(context.get(), threads > 1 ? threads : 0);
  check(heif_context_read_from_memory_without_copy(context.get(), bytes.data(), bytes.size(), nullptr),
        "invalid HEIF");
  heif_image_handle* raw_handle = nullptr;
  check(heif_context_get_primary_image_handle(context.get(), &raw_handle), "invalid HEIF");
  std::unique_ptr<heif_image_handle, void (*)(const heif_image_handle*)> handle(raw_handle,
                                                                                heif_image_handle_release);
  const int width = heif_image_handle_get_width(handle.get());
  const int height = heif_image_handle_get_height(handle.get());
  if (width <= 0 || height <= 0) throw DecodeError("invalid HEIF: zero image size");
  check_size(static_cast<std::uint64_t>(width), static_cast<std::uint64_t>(height), "HEIF image", limits);
  heif_image* raw_image = nullptr;
  check(
      heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr),
      "cannot decode HEIF");
  std::unique_ptr<heif_image, void (*)(const heif_image*)> decoded(raw_image, heif_image_release);
  int stride = 0;
  const std::uint8_t* plane = heif_image_get_plane_readonly(decoded.get(), heif_channel_interleaved, &stride);
  image.width = heif_image_get_width(decoded.get(), heif_channel_interleaved);
  image.height = heif_image_get_height(decoded.get(), heif_channel_interleaved);
  if (!plane || image.width <= 0 || image.height <= 0) throw DecodeError("cannot decode HEIF: no RGB plane");
  check_size(static_cast<std::uint64_t>(image.width), static_cast<std::uint64_t>(image.height),
             "decoded HEIF", limits);
  const std::size_t row = 3u * static_cast<std::size_t>(image.width);
  std::uint8_t* const pixels = pixel_storage(image, row * static_cast<std::size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    std::memcpy(pixels + row * static_cast<std::size_t>(y),
                plane + static_cast<std::size_t>(stride) * static_cast<std::size_t>(y), row);
  }
  // Read here, where the photo is decoded (a decoder helper), and sent back
  // with the pixels.
  image.capture_time = capture_time_text(heif_capture_time(handle.get()));
}

namespace {

// An ISO-BMFF ftyp box naming a HEIF brand, as major or compatible brand:
// AVIF and MP4 share the box, so the brand decides.
bool sniff_heif(ByteSpan bytes) {
  static constexpr std::uint8_t kFtyp[] = {'f', 't', 'y', 'p'};
  if (!bytes_at(bytes, 4, kFtyp) || bytes.size() < 16) return false;
  const std::size_t box = (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) |
                          (std::size_t{bytes[2]} << 8) | std::size_t{bytes[3]};
  const std::size_t end = std::min(box, bytes.size());
  static constexpr std::string_view kBrands[] = {"heic", "heix", "hevc", "hevx",
                                                 "heim", "heis", "mif1", "msf1"};
  for (std::size_t at = 8; at + 4 <= end; at += (at == 8 ? 8 : 4)) {
    const std::string_view brand(reinterpret_cast<const char*>(bytes.data() + at), 4);
    if (std::find(std::begin(kBrands), std::end(kBrands), brand) != std::end(kBrands)) return true;
  }
  return false;
}

// The primary image's decoded size from the file's items (heif_layout.hpp),
// as the decoder reads it: a grid's or overlay's ispe may contradict it. The
// whole file is read, as decoding would.
bool probe_heif(const ProbeSource& source, ImageProbe& probe) {
  std::vector<std::uint8_t> bytes(probe.file_bytes);
  std::rewind(source.file);
  if (std::fread(bytes.data(), 1, bytes.size(), source.file) != bytes.size()) return false;
  try {
    const HeifLayout layout = read_heif_layout(bytes);
    probe.width = layout.width;
    probe.height = layout.height;
  } catch (const DecodeError& e) {
    probe.error = e.what();
    return false;
  }
  // libheif's YCbCr planes and its RGB image, tiles and the file.
  probe.decoder_bytes =
      5 * static_cast<std::uint64_t>(probe.width) * static_cast<std::uint64_t>(probe.height) +
      2 * probe.file_bytes;
  return probe.width > 0 && probe.height > 0;
}

std::string heif_version() { return std::string("libheif ") + heif_get_version(); }

constexpr std::string_view kExtensions[] = {".heic", ".heif", ".hif"};

}  // namespace

extern const Codec kHeifCodec;
constinit const Codec kHeifCodec{
    .format = ImageFormat::Heif,
    .name = "HEIF",
    .noun = "",
    .extensions = kExtensions,
    .help_extensions = 0,
    .help_note = "",
    .sniff_rank = 4,
    .sniff = sniff_heif,
    .settle = nullptr,
    .probe = probe_heif,
    .decode = decode_heif,
    .decode_into = decode_heif_into,
    .decode_rows = nullptr,
    .library_version = heif_version,
    .isolated = true,
};

}  // namespace photoscore
