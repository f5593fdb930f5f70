// The parent's side of the decoder helpers (decoder_helpers.hpp): one
// helper per decoding thread, started on first use and again after one
// dies, a request per photo, and a deadline on every answer.
#include "image/decoder_helpers.hpp"

#include <omp.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "image/big_buffer.hpp"
#include "image/capture_time.hpp"
#include "image/clock.hpp"
#include "image/codec.hpp"
#include "image/decoder_protocol.hpp"
#include "image/shared_mapping.hpp"
#include "image/size_text.hpp"
#include "image/spawn_decoder_helper.hpp"

namespace photoscore {

namespace {

using namespace helper;

DecoderHelperSettings g_settings;

// How long a decode may go on once the run is stopping: most finish (and
// are written) within it; one that does not is abandoned, so SIGTERM ends
// the run within seconds however stuck a decoder is.
constexpr double kStopGraceSeconds = 2.0;

// How often a waiting decode looks at the stop flag.
constexpr int kPollMilliseconds = 100;

// The shared file shrinks back after a photo that needed more than this
// and twice what the last photo needed: one large photo must not pin its
// pages for the rest of the job, while a run of like-sized photos reuses
// them (fresh shared pages cost a fault each).
constexpr std::uint64_t kKeepSharedBytes = std::uint64_t{64} << 20;

// As a sentence names the format ("camera RAW").
std::string format_words(ImageFormat format) {
  const Codec* codec = codec_of(format);
  return std::string(codec && !codec->noun.empty() ? codec->noun : format_name(format));
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

// Threads for the helper's decoders: the caller's own share. A thread of
// thread mode (inside a parallel region) decodes with one, as LibRaw's
// OpenMP loops did in process; an MPI rank's single decoding thread with
// all of its rank's.
std::uint32_t caller_threads() {
  return omp_in_parallel() ? 1u : static_cast<std::uint32_t>(std::max(1, omp_get_max_threads()));
}

// The shared file of a thread's helpers: a control block per helper, then
// the photo's bytes, then (over them) its pixels.
class SharedFile {
 public:
  SharedFile() = default;
  SharedFile(const SharedFile&) = delete;
  SharedFile& operator=(const SharedFile&) = delete;
  ~SharedFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  int fd() {
    if (fd_ < 0) {
      fd_ = ::memfd_create("photoscore-decoder", MFD_CLOEXEC);
      if (fd_ < 0) throw DecodeError("cannot start a decoder: " + std::string(std::strerror(errno)));
    }
    return fd_;
  }

  // The file mapped, at least `bytes` of it (SharedMapping::map).
  std::uint8_t* map(std::uint64_t bytes) {
    std::uint8_t* data = mapping_.map(fd(), bytes);
    if (!data) throw std::bad_alloc();
    return data;
  }

  Control* control(int slot) {
    return reinterpret_cast<Control*>(map(kDataOffset) + static_cast<std::size_t>(slot) * kControlBytes);
  }

  // Before a photo that brings `bytes`: gives back the pages a large photo
  // left, unless the last photo needed them too (its bytes or its pixels).
  void trim(std::uint64_t bytes) {
    mapping_.release_retired();  // the last photo's pixels are no longer read
    const std::uint64_t need = kDataOffset + std::max(bytes, last_);
    const std::uint64_t mapped = mapping_.mapped_bytes();
    if (fd_ >= 0 && mapped > kKeepSharedBytes && mapped > 2 * need) {
      mapping_.unmap();
      if (::ftruncate(fd_, static_cast<off_t>(need)) != 0) return;
    }
  }
  // What the photo just decoded needed.
  void used(std::uint64_t bytes) { last_ = bytes; }

 private:
  int fd_ = -1;
  SharedMapping mapping_;
  std::uint64_t last_ = 0;
};

// One helper process: started on first use and after it died.
class Process {
 public:
  explicit Process(int slot) : slot_(slot) {}
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { end(); }

  // One request and its reply; throws DecodeError for the helper's fate
  // (crashed, out of memory or time, cannot start) and kDecodeStopped.
  Reply call(Request request, SharedFile& shared, const std::string& path, ImageFormat signature,
             std::uint64_t memory_bytes) {
    if (pid_ < 0) start(shared);
    request.slot = static_cast<std::uint32_t>(slot_);
    request.path_bytes = static_cast<std::uint32_t>(path.size());
    shared.control(slot_)->stage.store(static_cast<std::uint32_t>(signature));
    std::vector<char> message(sizeof request + path.size());
    std::memcpy(message.data(), &request, sizeof request);
    std::memcpy(message.data() + sizeof request, path.data(), path.size());
    if (!send(message)) {
      // Dead between photos (killed from outside, not this photo's doing):
      // a fresh helper takes the request.
      reap();
      start(shared);
      if (!send(message)) fail(shared, signature, memory_bytes);
    }
    Reply reply;
    const double start = seconds_now();
    double stop_seen = -1.0;
    for (;;) {
      pollfd p{socket_, POLLIN, 0};
      const int ready = ::poll(&p, 1, kPollMilliseconds);
      if (ready > 0) {
        const ssize_t n = ::recv(socket_, &reply, sizeof reply, 0);
        if (n == static_cast<ssize_t>(sizeof reply)) break;
        if (n < 0 && errno == EINTR) continue;
        fail(shared, signature, memory_bytes);  // EOF: the helper died
      }
      if (ready < 0 && errno != EINTR) fail(shared, signature, memory_bytes);
      const double now = seconds_now();
      if (now - start > g_settings.seconds) {
        kill_and_reap();
        throw DecodeError("decoder exceeded " + seconds_text(g_settings.seconds) + " in " +
                          format_words(stage(shared, signature)));
      }
      if (g_settings.stopping && g_settings.stopping()) {
        if (stop_seen < 0) stop_seen = now;
        if (now - stop_seen > kStopGraceSeconds) {
          kill_and_reap();
          throw DecodeError(kDecodeStopped);
        }
      }
    }
    cpu_ += std::max(0.0, reply.cpu_seconds - reported_);
    reported_ = reply.cpu_seconds;
    if (reply.status == Status::OutOfMemory)
      throw DecodeError(out_of_memory(shared, signature, memory_bytes));
    return reply;
  }

  // CPU seconds this helper and its predecessors reported.
  double cpu_seconds() const { return cpu_; }

  void end() {
    if (pid_ < 0) return;
    // Closing our end is the helper's signal to exit; one still busy (an
    // abandoned photo) is killed.
    ::close(socket_);
    socket_ = -1;
    int status = 0;
    for (int i = 0; i < 50; ++i) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) {
        forget();
        return;
      }
      ::usleep(2000);
    }
    kill_and_reap();
  }

 private:
  bool send(const std::vector<char>& message) {
    ssize_t n;
    do {
      n = ::send(socket_, message.data(), message.size(), MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(message.size());
  }

  ImageFormat stage(SharedFile& shared, ImageFormat signature) {
    if (signature != ImageFormat::Tiff) return signature;
    return static_cast<ImageFormat>(shared.control(slot_)->stage.load());
  }

  std::string out_of_memory(SharedFile& shared, ImageFormat signature, std::uint64_t memory_bytes) {
    return "decoder ran out of memory" +
           (memory_bytes > 0 ? " (limit " + size_text(memory_bytes) + ")" : std::string()) + " in " +
           format_words(stage(shared, signature));
  }

  void start(SharedFile& shared) {
    const SpawnedHelper helper = spawn_decoder_helper(shared.fd(), g_settings.program);
    pid_ = helper.pid;
    socket_ = helper.socket;
  }

  // The helper died (its socket closed or would not take a request): the
  // reason from how it ended, and a fresh helper for the next photo.
  [[noreturn]] void fail(SharedFile& shared, ImageFormat signature, std::uint64_t memory_bytes) {
    const ImageFormat where = stage(shared, signature);
    const bool oom_flag = shared.control(slot_)->out_of_memory.load() != 0;
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    forget();
    const std::string in = " in " + format_words(where);
    if (r < 0) throw DecodeError("decoder ended unexpectedly" + in);
    if (oom_flag) throw DecodeError(out_of_memory(shared, signature, memory_bytes));
    if (WIFSIGNALED(status)) {
      const int sig = WTERMSIG(status);
      if (sig == SIGXCPU) throw DecodeError("decoder exceeded its CPU time limit" + in);
      throw DecodeError("decoder crashed: " + signal_name(sig) + in);
    }
    throw DecodeError("decoder ended unexpectedly (exit status " + std::to_string(WEXITSTATUS(status)) + ")" +
                      in);
  }

  void kill_and_reap() {
    ::kill(pid_, SIGKILL);
    reap();
  }

  void reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    forget();
  }

  void forget() {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    pid_ = -1;
    reported_ = 0.0;
  }

  const int slot_;
  double cpu_ = 0.0;
  double reported_ = 0.0;
  pid_t pid_ = -1;
  int socket_ = -1;
};

// A thread's helpers: the decoder, and the witness that reads camera RAWs'
// metadata a second time in another process (camera_raw.hpp's RawReading).
// Members in this order: the processes end before the file goes.
struct Helpers {
  SharedFile shared;
  Process decoder{0};
  Process witness{1};
};

thread_local Helpers t_helpers;

Request request_for(Kind kind, const DecodeLimits& limits, std::uint64_t memory_bytes) {
  Request request;
  request.kind = kind;
  request.threads = caller_threads();
  request.max_pixels = limits.max_pixels;
  request.max_file_bytes = limits.max_file_bytes;
  request.memory_bytes = memory_bytes;
  // CPU time: the deadline for every thread the decode may use, and a
  // little: the deadline is what ends a decode, this ends a helper nobody
  // waits for any more.
  request.cpu_seconds = static_cast<std::uint64_t>(
                            std::ceil(g_settings.seconds * std::max<std::uint32_t>(1, request.threads))) +
                        5;
  return request;
}

std::uint64_t memory_for(const DecodeLimits& limits) {
  return limits.decoder_memory > 0 ? limits.decoder_memory : g_settings.memory_bytes;
}

}  // namespace

void configure_decoder_helpers(DecoderHelperSettings settings) { g_settings = std::move(settings); }

const DecoderHelperSettings& decoder_helper_settings() { return g_settings; }

bool decoded_in_helper(ImageFormat signature) {
  const Codec* codec = codec_of(signature);
  return codec && codec->isolated;
}

void decode_in_helper(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image) {
  const ImageFormat signature = detect_signature(bytes);
  const std::uint64_t memory = memory_for(limits);
  Helpers& helpers = t_helpers;
  // The last photo's pixels may still have been read from here (borrowed)
  // until now: only now may a large photo's pages go.
  helpers.shared.trim(bytes.size());
  std::memcpy(helpers.shared.map(kDataOffset + bytes.size()) + kDataOffset, bytes.data(), bytes.size());
  // A camera RAW (or a TIFF, which LibRaw must look at first) is read by the
  // witness first, while the bytes are still there, and then by the decoder.
  const bool libraw = signature == ImageFormat::Raw || signature == ImageFormat::Tiff;
  Reply witnessed;
  if (libraw) {
    Request request = request_for(Kind::Reading, limits, memory);
    request.input_bytes = bytes.size();
    witnessed = helpers.witness.call(request, helpers.shared, "", signature, memory);
  }
  Request request = request_for(Kind::Decode, limits, memory);
  request.input_bytes = bytes.size();
  const Reply reply = helpers.decoder.call(request, helpers.shared, "", signature, memory);
  if (libraw && reply.raw_read && (reply.raw_disagree || reply.raw_digest != witnessed.raw_digest)) {
    throw DecodeError(
        "corrupt camera RAW: LibRaw reads its metadata differently each time (inconsistent tags)");
  }
  if (reply.status != Status::Ok) {
    throw DecodeError(std::string(reply.message, strnlen(reply.message, sizeof reply.message)));
  }
  const std::uint64_t size = reply.output_bytes;
  const std::uint64_t at = output_offset(bytes.size());
  helpers.shared.used(at - kDataOffset + size);
  if (reply.width <= 0 || reply.height <= 0 ||
      size != 3ull * static_cast<std::uint64_t>(reply.width) * static_cast<std::uint64_t>(reply.height)) {
    throw DecodeError("decoder gave a malformed answer in " + format_words(signature));
  }
  const std::uint8_t* pixels = helpers.shared.map(at + size) + at;
  image.width = reply.width;
  image.height = reply.height;
  image.source.assign(reply.source, strnlen(reply.source, sizeof reply.source));
  // The helper's text taken only in the form capture_time_text writes: a
  // helper a hostile file took over could say anything.
  const std::string_view taken(reply.capture_time, strnlen(reply.capture_time, sizeof reply.capture_time));
  image.capture_time = capture_time_text(capture_time_from_text(taken));
  if (limits.borrow_helper_pixels) {
    image.shared = pixels;  // read where the helper put them, until this thread's next decode
    return;
  }
  // Where image.place says (a roles group's window: one copy, not two), else rgb.
  std::memcpy(pixel_storage(image, size), pixels, size);
}

ImageProbe probe_in_helper(const std::string& path, ImageFormat signature, const DecodeLimits& limits) {
  ImageProbe probe;
  probe.format = signature;
  const std::uint64_t memory = memory_for(limits);
  try {
    Helpers& helpers = t_helpers;
    const Reply reply = helpers.decoder.call(request_for(Kind::Probe, limits, memory), helpers.shared, path,
                                             signature, memory);
    probe.ok = reply.status == Status::Ok;
    probe.error.assign(reply.message, strnlen(reply.message, sizeof reply.message));
    probe.format = static_cast<ImageFormat>(reply.format);
    probe.width = reply.width;
    probe.height = reply.height;
    probe.file_bytes = reply.file_bytes;
    probe.raw_preview = reply.raw_preview != 0;
    // The helper's own copy of the pixels and the shared file's, beside
    // what the decoder itself needs.
    const std::uint64_t pixels = static_cast<std::uint64_t>(std::max(0, probe.width)) *
                                 static_cast<std::uint64_t>(std::max(0, probe.height));
    probe.decoder_bytes = reply.decoder_bytes + 6 * pixels + probe.file_bytes;
  } catch (const DecodeError& e) {
    probe.ok = false;
    probe.error = e.what();
  }
  return probe;
}

double decoder_helpers_cpu_seconds() {
  return t_helpers.decoder.cpu_seconds() + t_helpers.witness.cpu_seconds();
}

void end_decoder_helper() {
  t_helpers.decoder.end();
  t_helpers.witness.end();
}

}  // namespace photoscore
