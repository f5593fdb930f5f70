#pragma once
// Decoding photos from their bytes. The decoder is chosen by the content's
// signature, never by the file name, and decoding follows what the reference
// scorer gets from Pillow (see docs/algorithms.md): JPEG with libjpeg-turbo's
// defaults (ISLOW IDCT, fancy upsampling) to RGB, grayscale replicated; PNG
// palette expanded, gray replicated, alpha dropped (not blended), 16-bit
// color reduced to the high byte but 16-bit gray clipped at 255 (Pillow opens
// it as 32-bit integers), tRNS ignored; TIFF orientation applied, EXIF
// orientation of JPEGs ignored.
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "image/rgb_image.hpp"

namespace photoscore {

// The formats of the format table (codec.hpp); a decoder helper's reply
// names one by its number (decoder_protocol.hpp).
enum class ImageFormat { Unknown, Jpeg, Png, Tiff, Webp, Bmp, Heif, Raw };

// The codec's name ("JPEG"), "unknown" for Unknown.
std::string_view format_name(ImageFormat format);

// Sniffs the format from the leading bytes (each codec's signature);
// Unknown when none matches. TIFF-based camera RAWs (DNG, CR2, NEF, ARW...)
// share TIFF's signature, so TIFF-signed bytes are Raw when LibRaw accepts
// them.
ImageFormat detect_format(std::span<const std::uint8_t> bytes);
// The signature alone (TIFF-based RAWs read as Tiff): fit for a file's first
// few KiB, where LibRaw would need the whole file.
ImageFormat detect_signature(std::span<const std::uint8_t> bytes);

// Why a file could not be decoded, in one line fit for an error row.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Files larger than this are refused before they are read: a photo of
// 500 megapixels fits many times over, /dev/zero behind a symlink does not.
inline constexpr std::uint64_t kDefaultMaxFileBytes = std::uint64_t{512} << 20;

// Encoders write about ten scans (jpegtran's most elaborate scripts, a few
// dozen); each costs a pass over the image, so thousands are an attack.
inline constexpr int kMaxJpegScans = 100;

struct DecodeLimits {
  // Refuse images whose header claims more pixels than this, before any
  // allocation: a corrupt or hostile header must not exhaust memory.
  std::uint64_t max_pixels = 500'000'000;
  // Refuse files larger than this without reading them (see read_file).
  std::uint64_t max_file_bytes = kDefaultMaxFileBytes;
  // --- calibrated profile ---
  // When > 0, a JPEG is decoded at the smallest of libjpeg's DCT scalings
  // 1/1, 1/2, 1/4, 1/8 whose longer side is still at least this many pixels
  // (see working_image.hpp); 0, the default, decodes at full size.
  int jpeg_min_long_side = 0;
  // Whether the runners score the working image (decode_working_image)
  // instead of the photo at full size.
  bool working_resolution = false;
  // --- end calibrated profile ---
  // --- decoder isolation (decoder_helpers.hpp) ---
  // What a decoder may allocate (a decoder helper's address-space
  // allowance); 0: no limit. The camera RAW and HEIF decoders refuse a photo
  // whose real size needs more, before allocating (refuse_memory).
  std::uint64_t memory_bytes = 0;
  // Address space a helper process may add for this photo's decode; 0: the
  // default given to configure_decoder_helpers.
  std::uint64_t decoder_memory = 0;
  // Whether the caller is done with a photo's pixels before it decodes the
  // next one on this thread (thread mode, farm): a decoder helper's pixels
  // may then stay in its shared memory (RgbImage::shared) instead of being
  // copied out. Not with pixels queued up (the roles layout decodes ahead).
  bool borrow_helper_pixels = false;
};

// The DCT scaling denominator (1, 2, 4 or 8) for a photo whose longer side
// is `long_side` pixels: the largest that keeps it at least `min_long_side`.
inline int jpeg_scale_denom(long long long_side, int min_long_side) {
  int denom = 1;
  while (denom < 8 && long_side / (denom * 2) >= min_long_side) denom *= 2;
  return denom;
}

// Decodes any supported format; throws DecodeError with a one-line reason.
// Camera RAW, TIFF and HEIF go to this thread's decoder helper process once
// configure_decoder_helpers has turned isolation on (decoder_helpers.hpp).
RgbImage decode_image(std::span<const std::uint8_t> bytes, const DecodeLimits& limits = {});
// The same into `image`, whose storage is reused where the decoder can (JPEG):
// a batch job's photos then cost no fresh, zeroed pages each. A decoder that
// delivers rows in order (JPEG) calls `rows_done` as it goes: with 0 once
// the image's size is set and its storage allocated, then with n whenever
// rows [0, n) are final, so the caller can use them while still in cache.
// Other decoders never call it.
using RowsDone = std::function<void(int rows)>;
void decode_image_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                       const RowsDone* rows_done = nullptr);

// Decodes bytes whose format is known already, in this process; the _into
// form reuses `image`'s storage where the decoder can (JPEG, WebP, camera
// RAW, HEIF).
RgbImage decode_as(ImageFormat format, std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
void decode_as_into(ImageFormat format, std::span<const std::uint8_t> bytes, const DecodeLimits& limits,
                    RgbImage& image);

// Throws DecodeError when decoding `what` (e.g. "HEIF image of 20000x12000")
// needs `need` bytes, more than limits.memory_bytes.
void refuse_memory(const std::string& what, std::uint64_t need, const DecodeLimits& limits);

// A decoding library's message as an error-row reason: one line, no
// trailing period, lower-case start.
std::string one_line_message(std::string text);

// The per-format decoders, which the format table dispatches to (codec.hpp)
// and the tests call directly.
RgbImage decode_jpeg(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
void decode_jpeg_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                      const RowsDone* rows_done = nullptr);
RgbImage decode_png(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
RgbImage decode_tiff(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
RgbImage decode_webp(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
void decode_webp_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image);
RgbImage decode_bmp(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
// HEIF's primary image.
RgbImage decode_heif(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
void decode_heif_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image);
// The full-size embedded JPEG preview where there is one, else a demosaic;
// RgbImage::source says which.
RgbImage decode_raw(std::span<const std::uint8_t> bytes, const DecodeLimits& limits);
void decode_raw_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image);
// Whether LibRaw recognises the bytes as a camera RAW.
bool is_camera_raw(std::span<const std::uint8_t> bytes);

}  // namespace photoscore
