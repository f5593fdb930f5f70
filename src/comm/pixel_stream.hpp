#pragma once
// A roles group's pixel streams, as one member sees them (internal to
// src/comm). The member that decodes a photo broadcasts, on its own
// communicator of the group's analyzer ranks, a Frame (the size; or no
// pixels, when the photo failed before its size was known), the rows in
// pieces of pixel_piece_rows() rows as the decoder hands them over, and a
// Trailer (whether the decode succeeded, its one-line reason if not). A
// decode that fails after its first rows still sends every piece, so every
// member posts the same broadcasts. When the group is on one node, the
// decoder writes the rows straight into the decoding member's part of the
// group's shared-memory window (place(), as RgbImage::place; a decoder that
// cannot has its rows copied there piece by piece), its pages reserved
// first, and a piece's broadcast is one byte saying it is there; a photo
// its part has no room for goes by broadcast, which the frame says.
#include <cstdint>
#include <deque>
#include <optional>

#include "comm/image_pool.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/pixel_arena.hpp"
#include "comm/pixel_window.hpp"
#include "comm/request_set.hpp"
#include "comm/roles_photo.hpp"
#include "record/run_info.hpp"

namespace photoscore::mpi {

class PixelStream {
 public:
  PixelStream(const PlanGroup& group, int rank, PixelWindow* window, RequestSet& requests, ImagePool& pool,
              RankTiming& timing);

  // The decoding member's side (nothing is sent in a group of one).
  // Room for `bytes` of p's pixels in our part of the window, where its
  // decoder then writes them (RgbImage::place); null when there is no
  // window, or no room in it now: then they go by broadcast. Once a photo.
  std::uint8_t* place(Photo& p, std::size_t bytes);
  void send_frame(Photo& p, bool rows_follow);
  // Every whole piece among the first `rows` rows not sent yet.
  void send_pieces(Photo& p, int rows);
  void send_trailer(Photo& p);

  // The receiving side: posts the receives of one member's photos in its
  // order, the next photo's frame only once this one's pieces and trailer
  // are posted (which needs its frame: the size). True if it posted any.
  bool post_receives(std::deque<Photo*>& stream);

  std::size_t member_index(int rank) const;

 private:
  static void plan_pieces(Photo& p);
  // Where piece k starts in the photo's rows (bytes) and its bytes.
  static std::pair<std::size_t, int> piece(const Photo& p, int k);
  std::int64_t receivers() const { return static_cast<std::int64_t>(group_.ranks.size()) - 1; }
  MPI_Request* post(std::vector<RequestSet::Slot>& slots);

  const PlanGroup& group_;
  int rank_;
  PixelWindow* window_;
  std::optional<PixelArena> arena_;
  RequestSet& requests_;
  ImagePool& pool_;
  RankTiming& timing_;
  std::size_t largest_ = 0;  // bytes of the largest photo received so far
};

}  // namespace photoscore::mpi
