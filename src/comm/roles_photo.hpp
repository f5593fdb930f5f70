#pragma once
// A photo of a roles group as one member holds it (internal to src/comm):
// what the batch said of it, and where its decoding, its pixel stream and
// its scoring stand on this member (roles_member.cpp, pixel_stream.cpp).
#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "comm/request_set.hpp"
#include "image/rgb_image.hpp"
#include "run/photo_scoring.hpp"

namespace photoscore::mpi {

static_assert(std::is_trivially_copyable_v<RgbImage::Scaled>, "the frame carries RgbImage::Scaled as bytes");

// Sent as bytes: every rank runs the same binary, so the layout is the same.
struct Frame {
  std::int64_t rows_follow = 0;  // 1: width x height RGB follow, in pieces
  std::int64_t width = 0;
  std::int64_t height = 0;
  // What the calibrated profile's analyzers read besides the pixels, from
  // the first strip on (the working image's reduction): known once the
  // decoder has the size.
  RgbImage::Scaled scaled;
  // Where the rows are in the decoding member's part of the group's window
  // (bytes from its start); -1: the pieces carry them.
  std::int64_t shared_at = -1;
};

struct Trailer {
  std::int64_t ok = 0;
  char source[64] = {};   // RgbImage::source (camera RAWs)
  char capture_time[40] = {};  // RgbImage::capture_time (at most 32 bytes)
  char error[1024] = {};  // the one-line reason, when !ok (longer ones are cut)
};

inline void put_text(char* out, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

// What a member knows of a photo of its group from the batch.
struct Dealt {
  std::int64_t seq = 0;       // its number among the group's photos
  std::int32_t decoder = 0;   // the world rank that decodes it
  std::int64_t payload = -1;  // bytes rank 0 sends the decoder; -1: the decoder reads `path`
  std::string path;
};

// How far a receiving member has posted a photo's broadcasts.
enum class Posted { Nothing, Frame, Everything };

struct Photo {
  using Slot = RequestSet::Slot;
  Dealt h;
  bool mine = false;                // this rank decodes it
  bool answers = false;             // this rank answers for it
  MPI_Comm pixels = MPI_COMM_NULL;  // its decoder's communicator; null in a group of one
  std::unique_ptr<RgbImage> image;
  int piece_rows = 0;
  int pieces = 0;

  // The decoding member's side.
  std::int64_t ordinal = -1;    // its number among the photos this member decodes
  bool placed = false;          // its room in the window asked for (PixelStream::place)
  std::int64_t shared_at = -1;  // where its rows went in our part of the window; -1: in the pieces
  std::vector<std::uint8_t> payload;
  std::vector<Slot> payload_slots;
  bool payload_ready = false;
  std::vector<Slot> send_slots;
  bool frame_sent = false;
  int pieces_sent = 0;
  bool decoded = false;
  std::string error;
  std::string identity;  // the file as this member read it
  double decode_seconds = 0.0;

  // The receiving side.
  Frame frame;
  Trailer trailer;
  Posted posted = Posted::Nothing;
  Slot frame_slot = 0;
  std::vector<Slot> piece_slots;
  std::vector<std::uint8_t> tokens;  // a photo in the window: each piece's one byte
  std::size_t pieces_arrived = 0;
  Slot trailer_slot = 0;
  bool trailer_arrived = false;

  PhotoScoring scoring;  // this rank's part of the photo's scoring

  bool received() const {
    return posted == Posted::Everything && pieces_arrived == piece_slots.size() && trailer_arrived;
  }
  // Every slot it holds back to `requests` (all of them done).
  void give_back(RequestSet& requests) {
    requests.give_back(payload_slots);
    requests.give_back(send_slots);
    requests.give_back(piece_slots);
    if (posted != Posted::Nothing) requests.give_back(frame_slot);
    if (posted == Posted::Everything) requests.give_back(trailer_slot);
    posted = Posted::Nothing;
  }
};

}  // namespace photoscore::mpi
