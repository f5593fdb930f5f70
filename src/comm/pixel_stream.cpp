#include "comm/pixel_stream.hpp"

#include <algorithm>
#include <cstring>

#include "image/big_buffer.hpp"

namespace photoscore::mpi {

PixelStream::PixelStream(const PlanGroup& group, int rank, PixelWindow* window, RequestSet& requests,
                         ImagePool& pool, RankTiming& timing)
    : group_(group), rank_(rank), window_(window), requests_(requests), pool_(pool), timing_(timing) {
  if (window_) arena_.emplace(window_->capacity());
}

std::size_t PixelStream::member_index(int rank) const {
  return static_cast<std::size_t>(std::find(group_.ranks.begin(), group_.ranks.end(), rank) -
                                  group_.ranks.begin());
}

MPI_Request* PixelStream::post(std::vector<RequestSet::Slot>& slots) {
  slots.push_back(requests_.take());
  return requests_.request(slots.back());
}

void PixelStream::plan_pieces(Photo& p) {
  const RgbImage& image = *p.image;
  p.piece_rows = pixel_piece_rows(image.width);
  p.pieces = (image.height + p.piece_rows - 1) / p.piece_rows;
}

std::pair<std::size_t, int> PixelStream::piece(const Photo& p, int k) {
  const RgbImage& image = *p.image;
  const int y0 = k * p.piece_rows;
  const int y1 = std::min(image.height, y0 + p.piece_rows);
  const std::size_t row = 3 * static_cast<std::size_t>(image.width);
  return {row * static_cast<std::size_t>(y0), static_cast<int>(row * static_cast<std::size_t>(y1 - y0))};
}

std::uint8_t* PixelStream::place(Photo& p, std::size_t bytes) {
  p.placed = true;
  p.shared_at = -1;
  if (!arena_ || p.pixels == MPI_COMM_NULL) return nullptr;
  // Room in our part of the window, if the others have finished with
  // enough of our earlier photos; never waited for (see PixelArena::place).
  arena_->release(window_->released());
  std::optional<std::size_t> at = arena_->place(p.ordinal, bytes);
  // Its pages reserved before they are written; where /dev/shm has no room
  // left, this photo goes by broadcast (and its place is freed with the
  // others, in order).
  if (at && !window_->ensure(*at + bytes)) at.reset();
  if (!at) return nullptr;
  p.shared_at = static_cast<std::int64_t>(*at);
  return window_->part(member_index(rank_)) + *at;
}

void PixelStream::send_frame(Photo& p, bool rows_follow) {
  p.frame_sent = true;
  if (rows_follow) plan_pieces(p);
  if (p.pixels == MPI_COMM_NULL) return;
  // A decoder that does not ask for its storage (RgbImage::place) decoded
  // into the image's own buffer: its rows are copied into the window.
  if (rows_follow && !p.placed) place(p, 3 * p.image->pixels());
  p.frame = {rows_follow ? 1 : 0, rows_follow ? p.image->width : 0, rows_follow ? p.image->height : 0,
             rows_follow ? p.image->scaled : RgbImage::Scaled{}, p.shared_at};
  MPI_Ibcast(&p.frame, static_cast<int>(sizeof(Frame)), MPI_BYTE, 0, p.pixels, post(p.send_slots));
  timing_.bytes_sent += static_cast<std::int64_t>(sizeof(Frame)) * receivers();
}

void PixelStream::send_pieces(Photo& p, int rows) {
  for (; p.pieces_sent < p.pieces; ++p.pieces_sent) {
    if (std::min(p.image->height, (p.pieces_sent + 1) * p.piece_rows) > rows) break;
    if (p.pixels == MPI_COMM_NULL) continue;
    const auto [offset, bytes] = piece(p, p.pieces_sent);
    if (p.shared_at >= 0) {
      // After a failed decode the rows are not worth copying: the trailer
      // says so and nobody keeps their scores.
      if (p.error.empty()) {
        std::uint8_t* at = window_->part(member_index(rank_)) + p.shared_at;
        // Rows the decoder wrote there already need no copy.
        if (p.image->shared != at)
          std::memcpy(at + offset, p.image->rgb.data() + offset, static_cast<std::size_t>(bytes));
        window_->sync();
      }
      static const std::uint8_t kThere = 1;
      MPI_Ibcast(const_cast<std::uint8_t*>(&kThere), 1, MPI_BYTE, 0, p.pixels, post(p.send_slots));
      timing_.bytes_sent += receivers();
      continue;
    }
    MPI_Ibcast(p.image->rgb.data() + offset, bytes, MPI_BYTE, 0, p.pixels, post(p.send_slots));
    timing_.bytes_sent += static_cast<std::int64_t>(bytes) * receivers();
  }
}

void PixelStream::send_trailer(Photo& p) {
  if (p.pixels == MPI_COMM_NULL) return;
  Trailer& t = p.trailer;
  t.ok = p.error.empty() ? 1 : 0;
  if (t.ok) put_text(t.source, sizeof t.source, p.image->source);
  if (t.ok) put_text(t.capture_time, sizeof t.capture_time, p.image->capture_time);
  put_text(t.error, sizeof t.error, p.error);
  MPI_Ibcast(&t, static_cast<int>(sizeof(Trailer)), MPI_BYTE, 0, p.pixels, post(p.send_slots));
  timing_.bytes_sent += static_cast<std::int64_t>(sizeof(Trailer)) * receivers();
}

bool PixelStream::post_receives(std::deque<Photo*>& stream) {
  bool moved = false;
  while (!stream.empty()) {
    Photo& p = *stream.front();
    if (p.posted == Posted::Nothing) {
      p.frame_slot = requests_.take();
      MPI_Ibcast(&p.frame, static_cast<int>(sizeof(Frame)), MPI_BYTE, 0, p.pixels,
                 requests_.request(p.frame_slot));
      p.posted = Posted::Frame;
      moved = true;
    }
    if (!requests_.done(p.frame_slot)) break;
    if (p.frame.rows_follow && p.frame.shared_at >= 0) {
      // In the decoding member's part of the window: read in place, nothing to keep.
      p.image = std::make_unique<RgbImage>();
      RgbImage& image = *p.image;
      image.width = static_cast<int>(p.frame.width);
      image.height = static_cast<int>(p.frame.height);
      image.scaled = p.frame.scaled;
      image.shared = window_->part(member_index(static_cast<int>(p.h.decoder))) + p.frame.shared_at;
      plan_pieces(p);
      p.tokens.assign(static_cast<std::size_t>(p.pieces), 0);
      for (int k = 0; k < p.pieces; ++k)
        MPI_Ibcast(&p.tokens[static_cast<std::size_t>(k)], 1, MPI_BYTE, 0, p.pixels, post(p.piece_slots));
    } else if (p.frame.rows_follow) {
      const std::size_t bytes =
          3 * static_cast<std::size_t>(p.frame.width) * static_cast<std::size_t>(p.frame.height);
      p.image = pool_.take_image(bytes);
      RgbImage& image = *p.image;
      image.width = static_cast<int>(p.frame.width);
      image.height = static_cast<int>(p.frame.height);
      image.source.clear();
      image.capture_time.clear();
      image.scaled = p.frame.scaled;
      // Never shrunk here: the rows are overwritten by the broadcast, and
      // growing a vector zeroes what it adds. The scorer reads rows by the
      // image's width and height, not by the vector's size. A buffer that
      // must be replaced reserves room for the largest photo seen, so that
      // the kept buffers stop being replaced (fresh memory: page faults)
      // after the first photos; only the bytes used are touched.
      largest_ = std::max(largest_, bytes);
      if (image.rgb.capacity() < bytes) {
        std::vector<std::uint8_t>().swap(image.rgb);
        image.rgb.reserve(detail::with_room(largest_));
        detail::advise_huge(image.rgb.data(), image.rgb.capacity());
      }
      if (image.rgb.size() < bytes) image.rgb.resize(bytes);
      plan_pieces(p);
      for (int k = 0; k < p.pieces; ++k) {
        const auto [offset, size] = piece(p, k);
        MPI_Ibcast(image.rgb.data() + offset, size, MPI_BYTE, 0, p.pixels, post(p.piece_slots));
      }
    }
    p.trailer_slot = requests_.take();
    MPI_Ibcast(&p.trailer, static_cast<int>(sizeof(Trailer)), MPI_BYTE, 0, p.pixels,
               requests_.request(p.trailer_slot));
    p.posted = Posted::Everything;
    moved = true;
    stream.pop_front();
  }
  return moved;
}

}  // namespace photoscore::mpi
