// Camera RAWs through LibRaw (libraw_r: one LibRaw object per decode, so
// OpenMP threads decode concurrently). With decoder helpers on, this runs
// in a helper process (decoder_helpers.hpp): LibRaw 0.20 crashes on some
// corrupt files, which photoscore cannot patch.
#include <cstdio>
#include <cstring>
#include <string>

#include "image/big_buffer.hpp"
#include "image/camera_raw.hpp"
#include "image/capture_time.hpp"
#include "image/codec.hpp"
#include "image/decode.hpp"

namespace photoscore {

namespace {

[[noreturn]] void fail(const std::string& what, int code) {
  throw DecodeError(what + ": " + one_line_message(libraw_strerror(code)));
}

// LibRaw's loaders report data they cannot make sense of through this
// (dcraw's derror): the pixels after it are invented.
extern "C" void count_data_error(void* data, const char* /*file*/, const int /*offset*/) {
  ++*static_cast<int*>(data);
}

// Reads from the bytes in memory, for jpeg_frame_size.
ReadAt reader(std::span<const std::uint8_t> bytes) {
  return [bytes](std::uint64_t offset, std::size_t n, std::uint8_t* out) {
    if (offset > bytes.size() || n > bytes.size() - offset) return false;
    std::memcpy(out, bytes.data() + offset, n);
    return true;
  };
}

// Data that ran short or that LibRaw found corrupt while unpacking is an
// error, not a picture: what LibRaw fills the gaps with is whatever its
// buffers held, which differs from run to run.
void check_complete(const TrackedBuffer& stream, int data_errors) {
  if (stream.ran_out()) throw DecodeError("truncated camera RAW: the sensor data ends early");
  if (data_errors > 0) {
    throw DecodeError("corrupt camera RAW: LibRaw found " + std::to_string(data_errors) + " data error" +
                      (data_errors == 1 ? "" : "s") + " in the sensor data");
  }
}

// Opens `raw` on `stream`; throws DecodeError when LibRaw does not take the
// file or read it differently from an earlier reading of this thread's.
void open_checked(LibRaw& raw, TrackedBuffer& stream) {
  const RawReading reading = read_raw(raw, stream);
  if (raw_readings_disagree()) {
    throw DecodeError(
        "corrupt camera RAW: LibRaw reads its metadata differently each time (inconsistent tags)");
  }
  if (reading.rc != LIBRAW_SUCCESS) fail("not a readable camera RAW", reading.rc);
}

void demosaic(LibRaw& raw, TrackedBuffer& stream, const int& data_errors, const DecodeLimits& limits,
              RgbImage& image) {
  const auto& sizes = raw.imgdata.sizes;
  if (static_cast<std::uint64_t>(sizes.raw_width) * sizes.raw_height > limits.max_pixels) {
    throw DecodeError("RAW sensor of " + std::to_string(sizes.raw_width) + "x" +
                      std::to_string(sizes.raw_height) + " exceeds the pixel limit");
  }
  stream.watch();
  const int before = data_errors;
  if (const int rc = raw.unpack(); rc != LIBRAW_SUCCESS) fail("cannot unpack RAW data", rc);
  check_complete(stream, data_errors - before);
  if (const int rc = raw.dcraw_process(); rc != LIBRAW_SUCCESS) fail("cannot demosaic RAW data", rc);
  int width = 0, height = 0, colors = 0, bits = 0;
  raw.get_mem_image_format(&width, &height, &colors, &bits);
  if (colors != 3 || bits != 8 || width <= 0 || height <= 0) {
    throw DecodeError("unexpected RAW output (" + std::to_string(colors) + " colors, " +
                      std::to_string(bits) + " bits)");
  }
  // Straight into the image (dcraw_make_mem_image would allocate a copy).
  image.width = width;
  image.height = height;
  std::uint8_t* const pixels = pixel_storage(image, static_cast<std::size_t>(width) * height * 3u);
  if (const int rc = raw.copy_mem_image(pixels, width * 3, 0); rc != LIBRAW_SUCCESS) {
    fail("cannot demosaic RAW data", rc);
  }
  image.source = "demosaiced";
}

// The embedded JPEG preview into `image`; false when there is none to be
// had after all (the sensor data is demosaiced instead).
bool decode_preview(LibRaw& raw, TrackedBuffer& stream, const RawPlan& plan, const DecodeLimits& limits,
                    RgbImage& image) {
  if (static_cast<std::uint64_t>(plan.width) * static_cast<std::uint64_t>(plan.height) > limits.max_pixels) {
    throw DecodeError("RAW preview of " + std::to_string(plan.width) + "x" + std::to_string(plan.height) +
                      " exceeds the pixel limit");
  }
  stream.watch();
  if (raw.unpack_thumb() != LIBRAW_SUCCESS || stream.ran_out() ||
      raw.imgdata.thumbnail.tformat != LIBRAW_THUMBNAIL_JPEG) {
    return false;
  }
  const auto& thumb = raw.imgdata.thumbnail;
  try {
    decode_jpeg_into(std::span(reinterpret_cast<const std::uint8_t*>(thumb.thumb),
                               static_cast<std::size_t>(thumb.tlength)),
                     limits, image);
    image.source = "embedded preview";
    return true;
  } catch (const DecodeError&) {
    // A damaged preview does not make the sensor data unusable.
    return false;
  }
}

}  // namespace

bool is_camera_raw(std::span<const std::uint8_t> bytes) {
  TrackedBuffer stream(bytes);
  auto raw = make_libraw();
  return read_raw(*raw, stream).raw;
}

RgbImage decode_raw(std::span<const std::uint8_t> bytes, const DecodeLimits& limits) {
  RgbImage image;
  decode_raw_into(bytes, limits, image);
  return image;
}

void decode_raw_into(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image) {
  // Declared before LibRaw, which reads it until it is destroyed.
  TrackedBuffer stream(bytes);
  int data_errors = 0;
  auto raw = make_libraw();
  raw->set_dataerror_handler(count_data_error, &data_errors);
  open_checked(*raw, stream);
  check_raw_layout(*raw);
  const RawPlan plan = plan_raw(*raw, reader(bytes));
  refuse_memory("camera RAW of " + std::to_string(plan.width) + "x" + std::to_string(plan.height),
                plan.decoder_bytes +
                    3ull * static_cast<std::uint64_t>(plan.width) * static_cast<std::uint64_t>(plan.height),
                limits);
  if (!plan.use_preview || !decode_preview(*raw, stream, plan, limits, image)) {
    demosaic(*raw, stream, data_errors, limits, image);
  }
  // Read here, where the photo is decoded (a decoder helper), and sent back
  // with the pixels.
  image.capture_time = capture_time_text(raw_capture_time(bytes, raw->imgdata.other.timestamp));
}

// LibRaw's identify, and the plan decoding will follow (plan_raw, with its
// preview's JPEG frame header): Unknown when LibRaw does not take the file.
bool probe_camera_raw(const ProbeSource& source, ImageProbe& probe) {
  auto raw = make_libraw();
  if (raw->open_file(source.path.c_str()) != LIBRAW_SUCCESS || raw->imgdata.sizes.raw_width == 0)
    return false;
  probe.format = ImageFormat::Raw;
  try {
    check_raw_layout(*raw);
  } catch (const DecodeError& e) {
    probe.error = e.what();
    return false;
  }
  std::FILE* file = source.file;
  const RawPlan plan = plan_raw(*raw, [file](std::uint64_t offset, std::size_t n, std::uint8_t* out) {
    return std::fseek(file, static_cast<long>(offset), SEEK_SET) == 0 && std::fread(out, 1, n, file) == n;
  });
  probe.width = plan.width;
  probe.height = plan.height;
  probe.raw_preview = plan.use_preview;
  probe.decoder_bytes = plan.decoder_bytes;
  return true;
}

namespace {

// Camera RAWs with a signature of their own (ORF, RW2, RAF, CRW); the
// TIFF-based ones (DNG, CR2, NEF, ARW...) carry TIFF's, and the TIFF codec
// hands them over (its settle and its probe ask LibRaw first).
bool sniff_raw(ByteSpan bytes) {
  static constexpr std::uint8_t kOrf1[] = {'I', 'I', 'R', 'O'}, kOrf2[] = {'I', 'I', 'R', 'S'},
                                kOrf3[] = {'M', 'M', 'O', 'R'};
  static constexpr std::uint8_t kRw2[] = {'I', 'I', 'U', 0x00};
  static constexpr std::uint8_t kRaf[] = {'F', 'U', 'J', 'I', 'F', 'I', 'L', 'M'};
  static constexpr std::uint8_t kCrw[] = {'H', 'E', 'A', 'P', 'C', 'C', 'D', 'R'};
  return bytes_at(bytes, 0, kOrf1) || bytes_at(bytes, 0, kOrf2) || bytes_at(bytes, 0, kOrf3) ||
         bytes_at(bytes, 0, kRw2) || bytes_at(bytes, 0, kRaf) || bytes_at(bytes, 6, kCrw);
}

std::string raw_version() { return std::string("LibRaw ") + libraw_version(); }

// --help names the first nine. CR3 is left out: Debian's LibRaw 0.20 reads
// it, but not every build does, and a file listed as a photo that then
// fails is worse than one reported as skipped.
constexpr std::string_view kExtensions[] = {".dng", ".cr2", ".nef", ".arw", ".orf", ".rw2", ".pef", ".raf",
                                            ".srw", ".crw", ".nrw", ".srf", ".sr2", ".rwl", ".raw", ".3fr",
                                            ".erf", ".kdc", ".mrw", ".mos", ".iiq", ".x3f"};

}  // namespace

extern const Codec kRawCodec;
constinit const Codec kRawCodec{
    .format = ImageFormat::Raw,
    .name = "RAW",
    .noun = "camera RAW",
    .extensions = kExtensions,
    .help_extensions = 9,
    .help_note = "scored from the embedded full-size preview, else demosaiced",
    .sniff_rank = 3,
    .sniff = sniff_raw,
    .settle = nullptr,
    .probe = probe_camera_raw,
    .decode = decode_raw,
    .decode_into = decode_raw_into,
    .decode_rows = nullptr,
    .library_version = raw_version,
    .isolated = true,
};

}  // namespace photoscore
