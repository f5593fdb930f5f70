// An analyzer rank of the roles layout, decoding each photo once per group.
//
// Rank 0 deals the group its photos in batches (run/photo_batch.hpp), naming
// for each photo the member that decodes it (see DecodeBalancer) and, when
// rank 0 reads the file, sending that member alone the photo's bytes. The
// decoding member broadcasts what the analyzers read, the photo's RGB rows
// (3 bytes a pixel; exact gray would be 4, and composition reads RGB too),
// on its own communicator of the group's analyzer ranks, in pieces of
// pixel_piece_rows() rows posted as the decoder hands them over, so the
// others score the first rows while later ones are still being decoded.
// Each member's photos are a stream of their own (one communicator per
// member), so a rank keeps receiving one member's photo while it decodes
// its own next one ("decoding ahead"): without that, a member would wait
// idle for every photo another member decodes, and the group would run at
// the pace of one decoder.
//
// On every communicator the decoding member broadcasts, per photo, in this
// order: a Frame (the size; or no pixels, when the photo failed before its
// size was known), the pieces, and a Trailer (whether the decode succeeded,
// its one-line reason if not, what a scorer reads besides the pixels). A
// decode that fails after its first rows still sends every piece, so every
// member posts the same broadcasts; the trailer then carries the error, and
// every answering member reports it, as thread mode would.
//
// When the group is on one node (comm/pixel_window.hpp), the decoding member
// copies each piece, while it is in cache, into its part of the group's
// shared-memory window instead, and the piece's broadcast is one byte
// saying it is there: the others score the rows in place. A photo its part
// has no room for at the moment goes by broadcast as above; the frame says
// which.
//
// A rank scores one photo at a time, in the group's order; photos it
// decoded ahead are scored from memory when their turn comes. Each part it
// scores goes to the group's first member, the merging rank, which puts the
// parts of a photo together, merges and formats its row and sends rank 0
// the rows in blocks (comm/row_assembler.hpp).
#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <list>

#include "comm/chunk_service.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/pixel_arena.hpp"
#include "comm/row_assembler.hpp"
#include "image/big_buffer.hpp"
#include "run/photo_batch.hpp"

namespace photoscore::mpi {

namespace {

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
  char error[1024] = {};  // the one-line reason, when !ok (longer ones are cut)
};

void put_text(char* out, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

// What a member knows of a photo of its group from the batch.
struct Dealt {
  std::int64_t seq = 0;        // its number among the group's photos
  std::int32_t decoder = 0;    // the world rank that decodes it
  std::int64_t payload = -1;   // bytes rank 0 sends the decoder; -1: the decoder reads `path`
  std::string path;
};

struct Photo {
  Dealt h;
  bool mine = false;                // this rank decodes it
  bool answers = false;             // this rank answers for it
  MPI_Comm pixels = MPI_COMM_NULL;  // its decoder's communicator; null in a group of one
  std::unique_ptr<RgbImage> image;
  int piece_rows = 0;
  int pieces = 0;

  // The decoding member's side.
  std::int64_t ordinal = -1;    // its number among the photos this member decodes
  std::int64_t shared_at = -1;  // where its rows went in our part of the window; -1: in the pieces
  std::vector<std::uint8_t> payload;
  std::vector<MPI_Request> payload_requests;
  bool payload_ready = false;
  std::vector<MPI_Request> sends;
  bool frame_sent = false;
  int pieces_sent = 0;
  bool decoded = false;
  std::string error;
  double decode_seconds = 0.0;

  // The receiving side.
  Frame frame;
  Trailer trailer;
  int posted = 0;  // 0: nothing; 1: the frame; 2: the pieces and the trailer too
  MPI_Request frame_request = MPI_REQUEST_NULL;
  std::vector<MPI_Request> piece_requests;
  std::vector<std::uint8_t> tokens;  // a photo in the window: each piece's one byte
  std::size_t pieces_arrived = 0;
  MPI_Request trailer_request = MPI_REQUEST_NULL;
  bool trailer_arrived = false;

  // Scoring.
  bool begun = false;
  int rows_scored = 0;
  ScoreTimes times;
  double score_seconds = 0.0;

  bool received() const { return posted == 2 && pieces_arrived == piece_requests.size() && trailer_arrived; }
};

class Member {
 public:
  Member(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world, int rank)
      : job_(job),
        channel_(channel),
        world_(world),
        rank_(rank),
        me_(plan.ranks[static_cast<std::size_t>(rank)]),
        group_(plan.groups[static_cast<std::size_t>(me_.group)]),
        scorer_(analyzers_of(job, me_), job.threads),
        streams_(group_.ranks.size()),
        window_(channel.window()),
        finished_of_(group_.ranks.size(), 0),
        merger_(group_.ranks.front()),
        chunks_(world) {
    timing_ = empty_timing(job.policy.analyzers.size());
    if (window_) arena_.emplace(window_->capacity());
    if (merger_ == rank_) rows_.emplace(job, plan, static_cast<std::size_t>(me_.group));
  }

  RankTiming run() {
    const double start = MPI_Wtime();
    for (;;) {
      account(timing_, [&] { return pump(); });
      if (queue_.empty()) {
        // The merging rank stays until every part has come and every row has gone.
        if (ended_ && (!rows_ || (rows_->idle() && blocks_.empty()))) break;
        wait();
        continue;
      }
      Photo& front = *queue_.front();
      if (front.mine) {
        if (!front.decoded && !front.payload_ready) {
          wait();
          continue;
        }
        finish_mine(front);
        continue;
      }
      advance_front();
      if (front.received()) {
        finish_theirs(front);
        continue;
      }
      if (Photo* ahead = next_to_decode()) {
        decode(*ahead, false);
        continue;
      }
      wait();
    }
    {
      // Our last broadcasts end when the others have taken them.
      StageClock clock(timing_.comm);
      poll_until([&] {
        pump();
        return draining_.empty() && blocks_.empty() && chunks_.done();
      });
    }
    timing_.wall = MPI_Wtime() - start;
    return timing_;
  }

 private:
  static std::vector<const AnalyzerSpec*> analyzers_of(const Job& job, const PlanRank& me) {
    std::vector<const AnalyzerSpec*> mine;
    for (std::size_t a : me.analyzers) mine.push_back(job.policy.analyzers[a]);
    return mine;
  }

  std::size_t member_index(int rank) const {
    return static_cast<std::size_t>(std::find(group_.ranks.begin(), group_.ranks.end(), rank) -
                                    group_.ranks.begin());
  }
  std::int64_t receivers() const { return static_cast<std::int64_t>(group_.ranks.size()) - 1; }

  // Images are kept from photo to photo, as thread mode keeps its one: a
  // fresh buffer per photo costs page faults and zeroing comparable to an
  // analyzer. `bytes`: what the photo needs, when known (a received photo);
  // the smallest kept image that holds it, else the largest (a photo to
  // decode, whose size is not known yet, or one larger than all).
  std::unique_ptr<RgbImage> take_image(std::size_t bytes = 0) {
    if (free_.empty()) return std::make_unique<RgbImage>();
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      const std::size_t have = (*it)->rgb.capacity();
      if (best == free_.end()) {
        best = it;
        continue;
      }
      const std::size_t kept = (*best)->rgb.capacity();
      const bool fits = bytes > 0 && have >= bytes;
      const bool kept_fits = bytes > 0 && kept >= bytes;
      if (fits ? (!kept_fits || have < kept) : (!kept_fits && have > kept)) best = it;
    }
    std::unique_ptr<RgbImage> image = std::move(*best);
    free_.erase(best);
    return image;
  }
  // As many as the photos a member may hold at once (the group's photos in
  // flight, those decoded ahead or still being sent), so that a steady run
  // allocates nothing: a buffer given back to the system costs page faults
  // and zeroing again when the next photo needs one.
  std::size_t kept_at_most() const {
    return 2 * static_cast<std::size_t>(job_.in_flight) * group_.ranks.size() + 2;
  }
  void give_back(std::unique_ptr<RgbImage> image) {
    // An image read in place from the window has no buffer worth keeping.
    if (image && image->rgb.capacity() > 0 && free_.size() < kept_at_most())
      free_.push_back(std::move(image));
  }
  // The same for the payloads (a file's bytes): the largest kept one.
  std::vector<std::uint8_t> take_payload() {
    if (free_payloads_.empty()) return {};
    auto largest = std::max_element(free_payloads_.begin(), free_payloads_.end(),
                                    [](const auto& a, const auto& b) { return a.capacity() < b.capacity(); });
    std::vector<std::uint8_t> payload = std::move(*largest);
    free_payloads_.erase(largest);
    return payload;
  }
  void give_back(std::vector<std::uint8_t>&& payload) {
    if (payload.capacity() > 0 && free_payloads_.size() < kept_at_most())
      free_payloads_.push_back(std::move(payload));
  }

  void wait() {
    StageClock clock(timing_.wait);
    poll_until([&] { return pump() || (rows_ && rows_->block_due(MPI_Wtime())); });
  }

  // Moves every message along without scoring anything; true if something
  // arrived, was posted or finished. Every pending request is tested in one
  // MPI_Testsome: each MPI test that finds nothing may yield the core
  // (Open MPI does when ranks outnumber cores), and a decoding rank calls
  // this often.
  bool pump() {
    test_pending();
    bool moved = chunks_.serve(timing_);
    while (!ended_ && channel_.receive_batch(batch_bytes_)) {
      moved = true;
      if (batch_bytes_.empty()) {
        ended_ = true;
        break;
      }
      const PhotoBatch batch = decode_batch(batch_bytes_);
      if (rows_) rows_->expect(batch, MPI_Wtime());
      for (std::size_t k = 0; k < batch.photos.size(); ++k) {
        const BatchPhoto& b = batch.photos[k];
        auto photo = std::make_unique<Photo>();
        Photo& p = *photo;
        p.h = {batch.seq + static_cast<std::int64_t>(k), b.decoder, b.payload, b.path};
        p.mine = p.h.decoder == rank_;
        p.answers = rank_responds(me_, p.h.seq);
        p.pixels = channel_.pixels(static_cast<int>(p.h.decoder));
        if (p.mine) {
          p.payload = take_payload();
          if (p.h.payload >= 0) {
            p.payload.resize(static_cast<std::size_t>(p.h.payload));
            payload(world_, 0, false, p.payload, p.payload_requests);
          }
        } else {
          streams_[member_index(static_cast<int>(p.h.decoder))].push_back(&p);
        }
        queue_.push_back(std::move(photo));
      }
    }
    if (rows_) moved |= merge();
    for (auto& photo : queue_) {
      Photo& p = *photo;
      if (p.mine) {
        if (!p.payload_ready && all_done(p.payload_requests)) moved = p.payload_ready = true;
        continue;
      }
      if (p.posted < 2) continue;
      while (p.pieces_arrived < p.piece_requests.size() &&
             p.piece_requests[p.pieces_arrived] == MPI_REQUEST_NULL) {
        ++p.pieces_arrived;
        moved = true;
      }
      if (!p.trailer_arrived && p.trailer_request == MPI_REQUEST_NULL) moved = p.trailer_arrived = true;
    }
    for (auto& stream : streams_) moved |= post_receives(stream);
    for (auto it = draining_.begin(); it != draining_.end();) {
      if (all_done((*it)->sends)) {
        give_back(std::move((*it)->image));
        it = draining_.erase(it);
        moved = true;
      } else {
        ++it;
      }
    }
    return moved;
  }

  static bool all_done(const std::vector<MPI_Request>& requests) {
    return std::all_of(requests.begin(), requests.end(), [](MPI_Request r) { return r == MPI_REQUEST_NULL; });
  }

  // Tests every pending request at once; those done become MPI_REQUEST_NULL.
  void test_pending() {
    pending_.clear();
    const auto add = [&](MPI_Request& r) {
      if (r != MPI_REQUEST_NULL) pending_.push_back(&r);
    };
    for (auto& photo : queue_) {
      Photo& p = *photo;
      for (MPI_Request& r : p.payload_requests) add(r);
      for (MPI_Request& r : p.sends) add(r);
      if (p.posted >= 1) add(p.frame_request);
      for (std::size_t k = p.pieces_arrived; k < p.piece_requests.size(); ++k) add(p.piece_requests[k]);
      if (p.posted == 2) add(p.trailer_request);
    }
    for (auto& photo : draining_) {
      for (MPI_Request& r : photo->sends) add(r);
    }
    if (pending_.empty()) return;
    requests_.resize(pending_.size());
    for (std::size_t i = 0; i < pending_.size(); ++i) requests_[i] = *pending_[i];
    indices_.resize(pending_.size());
    int done = 0;
    MPI_Testsome(static_cast<int>(requests_.size()), requests_.data(), &done, indices_.data(),
                 MPI_STATUSES_IGNORE);
    for (int i = 0; i < done && done != MPI_UNDEFINED; ++i)
      *pending_[static_cast<std::size_t>(indices_[static_cast<std::size_t>(i)])] = MPI_REQUEST_NULL;
  }

  // Posts the receives of one member's photos in its order: the next
  // photo's frame only once this one's pieces and trailer are posted, which
  // needs its frame (the size).
  bool post_receives(std::deque<Photo*>& stream) {
    bool moved = false;
    while (!stream.empty()) {
      Photo& p = *stream.front();
      if (p.posted == 0) {
        MPI_Ibcast(&p.frame, static_cast<int>(sizeof(Frame)), MPI_BYTE, 0, p.pixels, &p.frame_request);
        p.posted = 1;
        moved = true;
      }
      if (p.frame_request != MPI_REQUEST_NULL) break;
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
          MPI_Ibcast(&p.tokens[static_cast<std::size_t>(k)], 1, MPI_BYTE, 0, p.pixels,
                     &p.piece_requests.emplace_back());
      } else if (p.frame.rows_follow) {
        const std::size_t bytes =
            3 * static_cast<std::size_t>(p.frame.width) * static_cast<std::size_t>(p.frame.height);
        p.image = take_image(bytes);
        RgbImage& image = *p.image;
        image.width = static_cast<int>(p.frame.width);
        image.height = static_cast<int>(p.frame.height);
        image.source.clear();
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
          const auto [data, size] = piece(p, k);
          MPI_Ibcast(data, size, MPI_BYTE, 0, p.pixels, &p.piece_requests.emplace_back());
        }
      }
      MPI_Ibcast(&p.trailer, static_cast<int>(sizeof(Trailer)), MPI_BYTE, 0, p.pixels, &p.trailer_request);
      p.posted = 2;
      moved = true;
      stream.pop_front();
    }
    return moved;
  }

  static void plan_pieces(Photo& p) {
    const RgbImage& image = *p.image;
    p.piece_rows = pixel_piece_rows(image.width);
    p.pieces = (image.height + p.piece_rows - 1) / p.piece_rows;
  }
  static std::pair<std::uint8_t*, int> piece(Photo& p, int k) {
    RgbImage& image = *p.image;
    const int y0 = k * p.piece_rows;
    const int y1 = std::min(image.height, y0 + p.piece_rows);
    const std::size_t row = 3 * static_cast<std::size_t>(image.width);
    return {image.rgb.data() + row * static_cast<std::size_t>(y0),
            static_cast<int>(row * static_cast<std::size_t>(y1 - y0))};
  }

  // --- the decoding member's sends (none in a group of one) ---
  void send_frame(Photo& p, bool rows_follow) {
    p.frame_sent = true;
    if (rows_follow) plan_pieces(p);
    if (p.pixels == MPI_COMM_NULL) return;
    if (rows_follow && arena_) {
      // Room in our part of the window, if the others have finished with enough of our
      // earlier photos; never waited for (see PixelArena::place).
      arena_->release(window_->released());
      const std::optional<std::size_t> at = arena_->place(p.ordinal, 3 * p.image->pixels());
      p.shared_at = at ? static_cast<std::int64_t>(*at) : -1;
    }
    p.frame = {rows_follow ? 1 : 0, rows_follow ? p.image->width : 0, rows_follow ? p.image->height : 0,
               rows_follow ? p.image->scaled : RgbImage::Scaled{}, p.shared_at};
    MPI_Ibcast(&p.frame, static_cast<int>(sizeof(Frame)), MPI_BYTE, 0, p.pixels, &p.sends.emplace_back());
    timing_.bytes_sent += static_cast<std::int64_t>(sizeof(Frame)) * receivers();
  }
  // Every whole piece among the first `rows` rows not sent yet.
  void send_pieces(Photo& p, int rows) {
    for (; p.pieces_sent < p.pieces; ++p.pieces_sent) {
      if (std::min(p.image->height, (p.pieces_sent + 1) * p.piece_rows) > rows) break;
      if (p.pixels == MPI_COMM_NULL) continue;
      const auto [data, bytes] = piece(p, p.pieces_sent);
      if (p.shared_at >= 0) {
        // After a failed decode the rows are not worth copying: the trailer
        // says so and nobody keeps their scores.
        if (p.error.empty()) {
          std::uint8_t* part = window_->part(member_index(rank_)) + p.shared_at;
          std::memcpy(part + (data - p.image->rgb.data()), data, static_cast<std::size_t>(bytes));
          window_->sync();
        }
        static const std::uint8_t kThere = 1;
        MPI_Ibcast(const_cast<std::uint8_t*>(&kThere), 1, MPI_BYTE, 0, p.pixels, &p.sends.emplace_back());
        timing_.bytes_sent += receivers();
        continue;
      }
      MPI_Ibcast(data, bytes, MPI_BYTE, 0, p.pixels, &p.sends.emplace_back());
      timing_.bytes_sent += static_cast<std::int64_t>(bytes) * receivers();
    }
  }
  void send_trailer(Photo& p) {
    if (p.pixels == MPI_COMM_NULL) return;
    Trailer& t = p.trailer;
    t.ok = p.error.empty() ? 1 : 0;
    if (t.ok) {
      const RgbImage& image = *p.image;
      put_text(t.source, sizeof t.source, image.source);
    }
    put_text(t.error, sizeof t.error, p.error);
    MPI_Ibcast(&t, static_cast<int>(sizeof(Trailer)), MPI_BYTE, 0, p.pixels, &p.sends.emplace_back());
    timing_.bytes_sent += static_cast<std::int64_t>(sizeof(Trailer)) * receivers();
  }

  // --- scoring, one photo at a time; each returns its seconds ---
  double begin_scoring(Photo& p) {
    const double t = MPI_Wtime();
    scorer_.begin(*p.image, &p.times);
    p.begun = true;
    return book(p, t);
  }
  double score_rows(Photo& p, int rows) {
    const double t = MPI_Wtime();
    scorer_.rows_ready(rows);
    p.rows_scored = rows;
    return book(p, t);
  }
  static double book(Photo& p, double since) {
    const double spent = MPI_Wtime() - since;
    p.score_seconds += spent;
    return spent;
  }

  // Scores the rows of the front photo (another member's) that have
  // arrived; its seconds.
  double advance_front() {
    if (queue_.empty()) return 0.0;
    Photo& f = *queue_.front();
    if (f.mine || !f.answers || f.posted < 2 || !f.frame.rows_follow) return 0.0;
    double spent = 0.0;
    if (!f.begun) spent += begin_scoring(f);
    const int rows = std::min(f.image->height, static_cast<int>(f.pieces_arrived) * f.piece_rows);
    if (rows > f.rows_scored) {
      if (f.frame.shared_at >= 0) window_->sync();  // the rows the tokens announced
      spent += score_rows(f, rows);
    }
    return spent;
  }

  // The first of our photos not decoded yet, when its payload is here: our
  // photos go out on our communicator in the group's order. At most
  // kDecodedAhead photos wait decoded: each holds a whole image, and a few
  // are enough to keep busy while another member's photos arrive (on 2
  // cores, 4 ran about 10 % faster than 2 and used 1.5 times the memory).
  // With the window a photo decoded ahead waits there, not in a buffer of
  // its own, so a few more cost no private memory.
  Photo* next_to_decode() {
    int ahead = 0;
    for (auto& photo : queue_) {
      if (!photo->mine) continue;
      if (photo->decoded) {
        if (++ahead >= kDecodedAhead) return nullptr;
        continue;
      }
      return photo->payload_ready ? photo.get() : nullptr;
    }
    return nullptr;
  }
  static constexpr int kDecodedAhead = 6;

  // Decodes one of our photos and broadcasts it as its rows come out. With
  // `inline_score` (the front photo, when we answer for it) its rows are
  // also scored here while in cache; otherwise the front photo's arriving
  // rows are.
  void decode(Photo& p, bool inline_score) {
    p.ordinal = decoded_++;
    p.image = take_image();
    RgbImage& image = *p.image;
    image.shared = nullptr;
    std::string error;
    const std::vector<std::uint8_t>* bytes = photo_bytes(job_, p.h.payload, p.h.path, p.payload, file_, error, timing_);
    double elsewhere = 0.0;  // seconds of the decode's callbacks not spent decoding
    const RowsDone rows_done = [&](int rows) {
      const double t = MPI_Wtime();
      const double mark = booked_seconds();  // the clocks of the pump below (merging, a chunk) book their own
      double scored = 0.0;
      const int sent = p.pieces_sent;
      if (rows == 0) {
        send_frame(p, true);
        if (inline_score) scored += begin_scoring(p);
      } else {
        send_pieces(p, rows);
        if (inline_score) scored += score_rows(p, rows);
      }
      // The pieces flow without us (the receivers pull them); messages are
      // looked at about every millisecond, not at every call (a JPEG hands
      // over a few rows at a time), since every look costs.
      if (rows == 0 || (p.pieces_sent != sent && t - last_pump_ > kPumpInterval)) {
        pump();
        last_pump_ = t;
      }
      if (!inline_score) scored += advance_front();
      const double spent = MPI_Wtime() - t;
      elsewhere += spent;
      book_stage(timing_.comm, spent - scored, mark);  // the scoring is booked with the photo
    };
    const double t0 = MPI_Wtime();
    if (bytes) error = decode_photo(*bytes, job_.limits, image, &rows_done);
    p.decode_seconds = MPI_Wtime() - t0 - elsewhere;
    p.error = error;
    const double t1 = MPI_Wtime();
    const double mark = booked_seconds();
    if (!p.frame_sent) send_frame(p, error.empty());
    // After a failure past the frame, the rows are whatever the decoder
    // left, but every member posted every piece.
    if (p.pieces > 0) send_pieces(p, image.height);
    send_trailer(p);
    if (p.shared_at >= 0 && p.error.empty()) {
      // Our own scoring reads the window's copy from here on, so the buffer
      // we decoded into serves the next photo at once: a member then keeps
      // one or two such buffers instead of one per photo decoded ahead, each
      // of which cost page faults and zeroing when first grown.
      auto spare = std::make_unique<RgbImage>();
      spare->rgb.swap(image.rgb);
      image.shared = window_->part(member_index(rank_)) + p.shared_at;
      give_back(std::move(spare));
    }
    p.decoded = true;
    give_back(std::move(p.payload));
    book_stage(timing_.comm, MPI_Wtime() - t1, mark);
  }

  void finish_mine(Photo& p) {
    if (!p.decoded) decode(p, p.answers);
    if (p.answers) {
      ImageOutcome outcome;
      if (!p.error.empty()) {
        outcome = failed_outcome(p.error, p.decode_seconds);
      } else {
        outcome = score_whole(p);
        outcome.decode_seconds = p.decode_seconds;
      }
      account_photo(outcome, p.score_seconds, me_, timing_);
      deliver(p.h.seq, std::move(outcome));
    } else {
      timing_.decode += p.decode_seconds;
    }
    if (window_) {
      const std::size_t me = member_index(rank_);
      window_->finished(me, ++finished_of_[me]);
    }
    draining_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }

  void finish_theirs(Photo& p) {
    if (p.answers) {
      ImageOutcome outcome;
      if (!p.trailer.ok) {
        p.trailer.error[sizeof p.trailer.error - 1] = '\0';
        outcome = failed_outcome(p.trailer.error, 0.0);
      } else {
        RgbImage& image = *p.image;
        p.trailer.source[sizeof p.trailer.source - 1] = '\0';
        image.source = p.trailer.source;
        if (p.frame.shared_at >= 0) window_->sync();
        outcome = score_whole(p);
      }
      account_photo(outcome, p.score_seconds, me_, timing_);
      deliver(p.h.seq, std::move(outcome));
    }
    if (window_) {
      // Done with it: its decoder may reuse its place in the window. Every
      // photo counts, in the decoder's order, wherever its rows were.
      const std::size_t decoder = member_index(static_cast<int>(p.h.decoder));
      window_->finished(decoder, ++finished_of_[decoder]);
    }
    give_back(std::move(p.image));
    queue_.pop_front();
  }

  // Our part of photo `seq`: to the merging rank, or, on it, to the rows.
  void deliver(std::int64_t seq, ImageOutcome&& outcome) {
    if (!rows_) {
      send_part(world_, merger_, seq, outcome, timing_);
      return;
    }
    StageClock clock(timing_.merge);
    rows_->add(rank_, seq, std::move(outcome), busy_seconds(timing_), MPI_Wtime());
  }

  // The merging rank: the other members' parts in, blocks of rows out.
  bool merge() {
    bool moved = false;
    Part part;
    while (receive_part(world_, part)) {
      StageClock clock(timing_.merge);
      rows_->add(part.rank, part.seq, std::move(part.outcome), part.busy, MPI_Wtime());
      moved = true;
    }
    while (rows_->block_due(MPI_Wtime())) {
      Block& block = blocks_.emplace_back();
      rows_->take_message(block.message);
      MPI_Isend(block.message.data(), static_cast<int>(block.message.size()), MPI_BYTE, 0, kTagBlock, world_,
                &block.request);
      timing_.bytes_sent += static_cast<std::int64_t>(block.message.size());
      moved = true;
    }
    for (auto it = blocks_.begin(); it != blocks_.end();) {
      it = test(it->request) ? blocks_.erase(it) : std::next(it);
    }
    return moved;
  }

  // The rest of a photo's scoring, its rows all here; running out of memory
  // is the photo's failure, as in process_image.
  ImageOutcome score_whole(Photo& p) {
    try {
      if (!p.begun) begin_scoring(p);
      const double t = MPI_Wtime();
      std::vector<AnalyzerResult> results = scorer_.finish();
      book(p, t);
      return scored_outcome(*p.image, std::move(results), std::move(p.times), 0.0);
    } catch (const std::bad_alloc&) {
      scorer_.release_buffers();
      return failed_outcome(kOutOfMemory, 0.0);
    }
  }

  const Job& job_;
  GroupChannel& channel_;
  MPI_Comm world_;
  int rank_;
  const PlanRank& me_;
  const PlanGroup& group_;
  ImageScorer scorer_;
  RankTiming timing_;
  std::string batch_bytes_;  // the batch being received
  bool ended_ = false;
  std::deque<std::unique_ptr<Photo>> queue_;     // the group's photos not finished here, in order
  std::vector<std::deque<Photo*>> streams_;      // per member: its photos whose receives are not all posted
  std::deque<std::unique_ptr<Photo>> draining_;  // our finished photos whose broadcasts are still going
  std::vector<std::unique_ptr<RgbImage>> free_;
  std::vector<std::vector<std::uint8_t>> free_payloads_;
  std::size_t largest_ = 0;         // bytes of the largest photo received so far
  std::vector<std::uint8_t> file_;  // --read workers: the file being decoded
  double last_pump_ = 0.0;          // when a decode's callback last looked at the messages
  static constexpr double kPumpInterval = 1e-3;
  // The group's shared-memory window and where our photos are in our part of it; null and empty when
  // the pixels go by broadcast.
  PixelWindow* window_;
  std::optional<PixelArena> arena_;
  std::int64_t decoded_ = 0;               // photos this member has begun to decode
  std::vector<std::int64_t> finished_of_;  // per member: its photos finished here
  std::vector<MPI_Request*> pending_;  // test_pending()'s scratch
  std::vector<MPI_Request> requests_;
  std::vector<int> indices_;
  // The merging rank (the group's first): the parts become rows here.
  int merger_;
  std::optional<RowAssembler> rows_;
  struct Block {
    std::string message;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  std::list<Block> blocks_;  // blocks of rows on their way to rank 0
  ChunkFilterer chunks_;     // HDF5 chunks compressed for rank 0
};

}  // namespace

RankTiming run_roles_member(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world, int rank) {
  Member member(job, plan, channel, world, rank);
  return member.run();
}

}  // namespace photoscore::mpi
