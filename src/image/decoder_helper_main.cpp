// The decoder helper's side (decoder_helpers.hpp): a loop over requests,
// each decoded or probed in this process under the limits the request
// gives. Whatever a decoder does here, the worst is this process's end.
#include <fcntl.h>
#include <malloc.h>
#include <omp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <vector>

#include "image/camera_raw.hpp"
#include "image/decoder_helpers.hpp"
#include "image/decoder_protocol.hpp"
#include "image/shared_mapping.hpp"

namespace photoscore {

namespace {

using namespace helper;

constexpr std::size_t kKeepBufferBytes = std::size_t{64} << 20;

Control* g_control = nullptr;  // this helper's slot of the control page
void* g_control_page = nullptr;

// Address space this process has mapped now, from /proc/self/statm.
std::uint64_t address_space_now() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long long pages = 0;
  if (f) {
    if (std::fscanf(f, "%llu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::uint64_t cpu_seconds_now() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1);
}

void set_soft_limit(int resource, rlim_t value) {
  rlimit limit{};
  if (::getrlimit(resource, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? value : std::min(value, limit.rlim_max);
  ::setrlimit(resource, &limit);
}

void lift_soft_limit(int resource) {
  rlimit limit{};
  if (::getrlimit(resource, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(resource, &limit);
}

// The request's limits, for as long as a decode runs. The address space
// limit is lifted again before the pixels are copied out: they passed the
// pixel checks already, and the copy is photoscore's, not the decoder's.
class Limits {
 public:
  explicit Limits(const Request& request) {
#if !defined(__SANITIZE_ADDRESS__)
    // (AddressSanitizer reserves terabytes of address space up front.)
    if (request.memory_bytes > 0) set_soft_limit(RLIMIT_AS, address_space_now() + request.memory_bytes);
#endif
    // The wall-clock deadline is the parent's; this is the backstop for a
    // helper the parent no longer watches. SIGXCPU ends it.
    if (request.cpu_seconds > 0) set_soft_limit(RLIMIT_CPU, cpu_seconds_now() + request.cpu_seconds);
  }
  ~Limits() { lift_soft_limit(RLIMIT_AS); }
  Limits(const Limits&) = delete;
  Limits& operator=(const Limits&) = delete;
};

void set_stage(ImageFormat format) {
  if (g_control) g_control->stage.store(static_cast<std::uint32_t>(format), std::memory_order_relaxed);
}

void copy_text(char* out, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(size - 1, text.size());
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

void report_readings(Reply& reply, bool any) {
  if (!any) return;
  const RawReading reading = last_raw_reading();
  reply.raw_read = 1;
  reply.raw_disagree = raw_readings_disagree() ? 1 : 0;
  reply.raw_digest = reading.digest;
}

// The shared file mapped to the end of the request's input (which starts at
// kDataOffset); null, with the reply saying so, when it cannot be.
const std::uint8_t* map_input(const Request& request, SharedMapping& shared, Reply& reply) {
  shared.release_retired();  // a new photo: nothing points into the last one's mappings
  const std::uint8_t* base = shared.map(kSharedFd, kDataOffset + request.input_bytes);
  if (!base) reply.status = Status::OutOfMemory;
  return base;
}

Reply decode(const Request& request, SharedMapping& shared) {
  Reply reply;
  const std::uint8_t* base = map_input(request, shared, reply);
  if (!base) return reply;
  const std::span<const std::uint8_t> bytes(base + kDataOffset, request.input_bytes);
  DecodeLimits limits;
  limits.max_pixels = request.max_pixels;
  limits.max_file_bytes = request.max_file_bytes;
  limits.memory_bytes = request.memory_bytes;
  ImageFormat format = detect_signature(bytes);
  const bool libraw = format == ImageFormat::Tiff || format == ImageFormat::Raw;
  clear_raw_readings();
  // Kept from photo to photo, as the parent keeps its own: a fresh buffer
  // would cost page faults on every photo. The decoders that can write the
  // pixels straight into the shared file, after the photo's bytes (which
  // some still read while they write).
  static RgbImage image;
  const std::uint64_t at = output_offset(request.input_bytes);
  image.place = [&shared, at](std::size_t n) -> std::uint8_t* {
    // The parent reads the pixels there and nowhere else: no room is this
    // photo's out-of-memory answer, not pixels left in the helper's own buffer.
    std::uint8_t* p = shared.map(kSharedFd, at + n);
    if (!p) throw std::bad_alloc();
    return p + at;
  };
  try {
    const Limits limited(request);
    if (format == ImageFormat::Tiff) {
      set_stage(ImageFormat::Raw);  // LibRaw tells a TIFF-based RAW from a TIFF
      if (is_camera_raw(bytes)) format = ImageFormat::Raw;
    }
    set_stage(format);
    decode_as_into(format, bytes, limits, image);
  } catch (const DecodeError& e) {
    reply.status = Status::Error;
    copy_text(reply.message, sizeof reply.message, e.what());
    report_readings(reply, libraw);
    return reply;
  } catch (const std::bad_alloc&) {
    reply.status = Status::OutOfMemory;
    return reply;
  }
  report_readings(reply, libraw);
  reply.format = static_cast<std::uint32_t>(format);
  reply.width = image.width;
  reply.height = image.height;
  reply.output_bytes = image.pixels() * 3;
  copy_text(reply.source, sizeof reply.source, image.source);
  copy_text(reply.capture_time, sizeof reply.capture_time, image.capture_time);
  if (!image.shared) {  // a decoder that writes its own buffer: copied over
    std::uint8_t* out = shared.map(kSharedFd, at + reply.output_bytes);
    if (!out) {
      reply = Reply{};
      reply.status = Status::OutOfMemory;
      return reply;
    }
    std::memcpy(out + at, image.rgb.data(), reply.output_bytes);
  }
  // One large photo must not pin its buffer for the rest of the job.
  if (image.rgb.capacity() > kKeepBufferBytes && image.rgb.capacity() > 2 * image.rgb.size()) {
    std::vector<std::uint8_t>().swap(image.rgb);
  }
  return reply;
}

// LibRaw's reading of the photo alone, as the decoder's first one is made.
Reply reading(const Request& request, SharedMapping& shared) {
  Reply reply;
  const std::uint8_t* base = map_input(request, shared, reply);
  if (!base) return reply;
  clear_raw_readings();
  try {
    const Limits limited(request);
    set_stage(ImageFormat::Raw);
    TrackedBuffer stream(std::span(base + kDataOffset, request.input_bytes));
    auto raw = make_libraw();
    read_raw(*raw, stream, kWitnessPattern);
  } catch (const std::bad_alloc&) {
    reply.status = Status::OutOfMemory;
    return reply;
  }
  report_readings(reply, true);
  return reply;
}

Reply probe(const Request& request, const std::string& path) {
  Reply reply;
  DecodeLimits limits;
  limits.max_pixels = request.max_pixels;
  ImageProbe found;
  try {
    const Limits limited(request);
    set_stage(ImageFormat::Raw);  // LibRaw reads TIFF- and RAW-signed files first
    found = probe_image(path, limits);
  } catch (const std::bad_alloc&) {
    reply.status = Status::OutOfMemory;
    return reply;
  }
  reply.status = found.ok ? Status::Ok : Status::Error;
  reply.format = static_cast<std::uint32_t>(found.format);
  reply.width = found.width;
  reply.height = found.height;
  reply.file_bytes = found.file_bytes;
  reply.decoder_bytes = found.decoder_bytes;
  reply.raw_preview = found.raw_preview ? 1 : 0;
  copy_text(reply.message, sizeof reply.message, found.error);
  return reply;
}

// What ends a helper through std::terminate: a decoding thread of
// libheif's or LibRaw's that ran out of address space (bad_alloc, LibRaw's
// own exception), or could not even be started (std::thread's EAGAIN), is
// out of memory, and said so.
void on_terminate() {
  if (const std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      if (g_control) g_control->out_of_memory.store(1);
    } catch (const std::system_error& error) {
      if (g_control && error.code() == std::errc::resource_unavailable_try_again)
        g_control->out_of_memory.store(1);
    } catch (const LibRaw_exceptions& error) {
      // Thrown inside LibRaw's OpenMP loops, where nothing catches it.
      if (g_control && error == LIBRAW_EXCEPTION_ALLOC) g_control->out_of_memory.store(1);
    } catch (...) {
    }
  }
  std::abort();
}

// LibRaw's OpenMP threads, started before a decode's address-space limit:
// libgomp, failing to start one under it, would end the process.
void start_threads(int threads) {
  static int started = 1;
  if (threads <= started) return;
#pragma omp parallel num_threads(threads)
  { asm volatile("" ::: "memory"); }
  started = threads;
}

}  // namespace

int run_decoder_helper(int argc, char** argv) {
  // The parent passes its pid: a helper whose parent is already gone ends
  // at once, and one whose parent goes later is killed with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (argc < 3 || ::getppid() != static_cast<pid_t>(std::strtol(argv[2], nullptr, 10))) return 0;
  // Signals meant for the run are the parent's to handle: under Slurm or a
  // terminal's Ctrl-C they reach every process of the job.
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  // A crash is expected here now and then: no core file each time.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  // Few malloc arenas: each thread's own would reserve 64 MiB of address
  // space, which RLIMIT_AS counts. And every byte malloc hands out or takes
  // back filled with a fixed pattern: a decoder that reads memory it never
  // wrote (LibRaw after a short read) then reads the same bytes in every
  // run and every helper, whatever that helper decoded before.
  ::mallopt(M_ARENA_MAX, 2);
  ::mallopt(M_PERTURB, 0x5a);
  std::set_terminate(on_terminate);

  g_control_page = ::mmap(nullptr, kDataOffset, PROT_READ | PROT_WRITE, MAP_SHARED, kSharedFd, 0);
  if (g_control_page == MAP_FAILED) return 1;
  SharedMapping shared;
  std::vector<char> message(sizeof(Request) + 8192);
  for (;;) {
    const ssize_t n = ::recv(kSocketFd, message.data(), message.size(), 0);
    if (n == 0) return 0;  // the parent is done with us
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (static_cast<std::size_t>(n) < sizeof(Request)) return 1;
    Request request;
    std::memcpy(&request, message.data(), sizeof request);
    const int threads = static_cast<int>(std::max<std::uint32_t>(1, request.threads));
    omp_set_num_threads(threads);
    start_threads(threads);
    g_control =
        reinterpret_cast<Control*>(static_cast<char*>(g_control_page) + (request.slot & 1) * kControlBytes);
    g_control->out_of_memory.store(0);
    Reply reply;
    if (request.kind == Kind::Decode) {
      reply = decode(request, shared);
    } else if (request.kind == Kind::Reading) {
      reply = reading(request, shared);
    } else {
      const std::size_t path_bytes =
          std::min<std::size_t>(request.path_bytes, static_cast<std::size_t>(n) - sizeof(Request));
      reply = probe(request, std::string(message.data() + sizeof(Request), path_bytes));
    }
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    reply.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                        1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
    if (::send(kSocketFd, &reply, sizeof reply, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof reply)) return 1;
  }
}

}  // namespace photoscore
