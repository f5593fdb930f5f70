// An analyzer rank of the roles layout, decoding each photo once per group:
// its event loop.
//
// The group's dealer (rank 0 or its node's leader) deals the group its
// photos in batches (run/photo_batch.hpp), naming for each photo the member
// that decodes it (see DecodeBalancer) and, when rank 0 reads the file,
// sending that member alone the photo's bytes. The decoding member streams
// the photo's RGB rows to the others as the decoder hands them over
// (pixel_stream.hpp), so they score the first rows while later ones are
// still being decoded. Each member's photos are a stream of their own (one
// communicator per member), so a rank keeps receiving one member's photo
// while it decodes its own next one ("decoding ahead"): without that, a
// member would wait idle for every photo another member decodes, and the
// group would run at the pace of one decoder.
//
// A rank scores one photo at a time, in the group's order; photos it
// decoded ahead are scored from memory when their turn comes. Each part it
// scores goes to the group's first member, the merging rank, which puts the
// parts of a photo together, merges and formats its row and sends the
// dealer the rows in blocks (comm/row_assembler.hpp).
#include <algorithm>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "comm/chunk_service.hpp"
#include "comm/image_pool.hpp"
#include "comm/lane_lines.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/pixel_stream.hpp"
#include "comm/request_set.hpp"
#include "comm/roles_photo.hpp"
#include "comm/row_assembler.hpp"
#include "image/clock.hpp"
#include "run/photo_batch.hpp"

namespace photoscore::mpi {

namespace {

class Member {
 public:
  Member(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world, int rank,
         JsonlLaneWriter& writer)
      : job_(job),
        channel_(channel),
        world_(world),
        rank_(rank),
        me_(plan.ranks[static_cast<std::size_t>(rank)]),
        group_(plan.groups[static_cast<std::size_t>(me_.group)]),
        hashes_(job.format.grouping && carries_hash(me_)),
        scorer_(analyzers_of(job, me_), job.threads),
        timing_(empty_timing(job.policy.analyzers.size())),
        // As many as the photos a member may hold at once (the group's
        // photos in flight, those decoded ahead or still being sent).
        pool_(2 * static_cast<std::size_t>(job.in_flight) * group_.ranks.size() + 2),
        window_(channel.window()),
        stream_(group_, rank, window_, requests_, pool_, timing_),
        streams_(group_.ranks.size()),
        finished_of_(group_.ranks.size(), 0),
        merger_(group_.ranks.front()),
        chunks_(world, rank, plan.world, job.format.row_offset),
        // The merging rank of a group dealt by rank 0 is one of its lanes.
        lines_(world, writer, merger_ == rank && group_.dealer == 0) {
    if (merger_ == rank_) rows_.emplace(job, plan, static_cast<std::size_t>(me_.group));
    if (lines_.writes()) rows_->write_lines_with(writer, rank);
  }

  RankTiming run() {
    const double start = seconds_now();
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
        return draining_.empty() && blocks_.empty() && chunks_.done() && lines_.done();
      });
    }
    timing_.wall = seconds_now() - start;
    return timing_;
  }

 private:
  static std::vector<const AnalyzerSpec*> analyzers_of(const Job& job, const PlanRank& me) {
    std::vector<const AnalyzerSpec*> mine;
    for (std::size_t a : me.analyzers) mine.push_back(job.policy.analyzers[a]);
    return mine;
  }

  void wait() {
    StageClock clock(timing_.wait);
    poll_until([&] { return pump() || (rows_ && rows_->block_due(seconds_now())); });
  }

  // Moves every message along without scoring anything; true if something
  // arrived, was posted or finished. Every pending request is tested in one
  // call (request_set.hpp).
  bool pump() {
    bool moved = requests_.test();
    moved |= chunks_.serve(timing_);
    moved |= lines_.serve(timing_);
    moved |= receive_batches();
    if (rows_) moved |= merge();
    for (auto& photo : queue_) {
      Photo& p = *photo;
      if (p.mine) {
        if (!p.payload_ready && requests_.all_done(p.payload_slots)) moved = p.payload_ready = true;
        continue;
      }
      if (p.posted != Posted::Everything) continue;
      while (p.pieces_arrived < p.piece_slots.size() && requests_.done(p.piece_slots[p.pieces_arrived])) {
        ++p.pieces_arrived;
        moved = true;
      }
      if (!p.trailer_arrived && requests_.done(p.trailer_slot)) moved = p.trailer_arrived = true;
    }
    for (auto& stream : streams_) moved |= stream_.post_receives(stream);
    for (auto it = draining_.begin(); it != draining_.end();) {
      Photo& p = **it;
      if (requests_.all_done(p.send_slots)) {
        pool_.give_back(std::move(p.image));
        p.give_back(requests_);
        it = draining_.erase(it);
        moved = true;
      } else {
        ++it;
      }
    }
    return moved;
  }

  // The dealer's batches: each photo joins the queue, and the stream of the
  // member that decodes it (ours: its bytes are received, when rank 0 reads it).
  bool receive_batches() {
    bool moved = false;
    while (!ended_ && channel_.receive_batch(batch_bytes_)) {
      moved = true;
      if (batch_bytes_.empty()) {
        ended_ = true;
        if (rows_) rows_->dealing_ended();
        break;
      }
      const PhotoBatch batch = decode_batch(batch_bytes_);
      if (rows_) rows_->expect(batch, seconds_now());
      for (std::size_t k = 0; k < batch.photos.size(); ++k) {
        const BatchPhoto& b = batch.photos[k];
        auto photo = std::make_unique<Photo>();
        Photo& p = *photo;
        p.h = {batch.seq + static_cast<std::int64_t>(k), b.decoder, b.payload, b.path};
        p.mine = p.h.decoder == rank_;
        p.answers = rank_responds(me_, p.h.seq);
        p.pixels = channel_.pixels(static_cast<int>(p.h.decoder));
        if (p.mine) {
          p.payload = pool_.take_payload();
          if (p.h.payload >= 0) {
            p.payload.resize(static_cast<std::size_t>(p.h.payload));
            for_each_piece(p.payload.data(), p.payload.size(), [&](std::uint8_t* data, int n) {
              p.payload_slots.push_back(requests_.take());
              MPI_Irecv(data, n, MPI_BYTE, 0, kTagData, world_, requests_.request(p.payload_slots.back()));
            });
          }
        } else {
          streams_[stream_.member_index(static_cast<int>(p.h.decoder))].push_back(&p);
        }
        queue_.push_back(std::move(photo));
      }
    }
    return moved;
  }

  // Scores the rows of the front photo (another member's) that have
  // arrived; its seconds.
  double advance_front() {
    if (queue_.empty()) return 0.0;
    Photo& f = *queue_.front();
    if (f.mine || !f.answers || f.posted != Posted::Everything || !f.frame.rows_follow) return 0.0;
    double spent = 0.0;
    if (!f.scoring.begun()) spent += f.scoring.begin(scorer_, *f.image);
    const int rows = std::min(f.image->height, static_cast<int>(f.pieces_arrived) * f.piece_rows);
    if (rows > f.scoring.rows_scored()) {
      if (f.frame.shared_at >= 0) window_->sync();  // the rows the tokens announced
      spent += f.scoring.rows(rows);
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
    p.image = pool_.take_image();
    RgbImage& image = *p.image;
    image.shared = nullptr;
    std::string error;
    const std::vector<std::uint8_t>* bytes =
        photo_bytes(job_, p.h.payload, p.h.path, p.payload, file_, error, p.identity, timing_);
    double elsewhere = 0.0;  // seconds of the decode's callbacks not spent decoding
    const RowsDone rows_done = [&](int rows) {
      const double t = seconds_now();
      const double mark = booked_seconds();  // the clocks of the pump below (merging, a chunk) book their own
      double scored = 0.0;
      const int sent = p.pieces_sent;
      if (rows == 0) {
        stream_.send_frame(p, true);
        if (inline_score) scored += p.scoring.begin(scorer_, image);
      } else {
        stream_.send_pieces(p, rows);
        if (inline_score) scored += p.scoring.rows(rows);
      }
      // The pieces flow without us (the receivers pull them); messages are
      // looked at about every millisecond, not at every call (a JPEG hands
      // over a few rows at a time), since every look costs.
      if (rows == 0 || (p.pieces_sent != sent && t - last_pump_ > kPumpInterval)) {
        pump();
        last_pump_ = t;
      }
      if (!inline_score) scored += advance_front();
      const double spent = seconds_now() - t;
      elsewhere += spent;
      book_stage(timing_.comm, spent - scored, mark);  // the scoring is booked with the photo
    };
    // With the window, the decoders that can write the rows straight into
    // our part of it: no copy of 3 bytes a pixel there afterwards.
    if (window_) image.place = [this, &p](std::size_t n) { return stream_.place(p, n); };
    const double t0 = seconds_now();
    if (bytes) error = decode_photo(*bytes, job_.limits, image, &rows_done);
    p.decode_seconds = seconds_now() - t0 - elsewhere;
    image.place = nullptr;
    p.error = error;
    const double t1 = seconds_now();
    const double mark = booked_seconds();
    if (!p.frame_sent) stream_.send_frame(p, error.empty());
    // After a failure past the frame, the rows are whatever the decoder
    // left, but every member posted every piece.
    if (p.pieces > 0) stream_.send_pieces(p, image.height);
    stream_.send_trailer(p);
    if (p.shared_at >= 0 && p.error.empty()) {
      // Our own scoring reads the window's rows from here on, so the buffer
      // (if the decoder used it) serves the next photo at once: a member then keeps
      // one or two such buffers instead of one per photo decoded ahead, each
      // of which cost page faults and zeroing when first grown.
      auto spare = std::make_unique<RgbImage>();
      spare->rgb.swap(image.rgb);
      image.shared = window_->part(stream_.member_index(rank_)) + p.shared_at;
      pool_.give_back(std::move(spare));
    }
    p.decoded = true;
    pool_.give_back(std::move(p.payload));
    book_stage(timing_.comm, seconds_now() - t1, mark);
  }

  void finish_mine(Photo& p) {
    if (!p.decoded) decode(p, p.answers);
    if (p.answers) {
      ImageOutcome outcome;
      if (!p.error.empty()) {
        outcome = failed_outcome(p.error, p.decode_seconds);
      } else {
        outcome = p.scoring.finish(scorer_, *p.image, p.decode_seconds, hashes_);
      }
      outcome.identity = p.identity;
      account_photo(outcome, p.scoring.seconds(), me_, timing_);
      deliver(p.h.seq, std::move(outcome));
    } else {
      timing_.decode += p.decode_seconds;
    }
    if (window_) {
      const std::size_t me = stream_.member_index(rank_);
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
        p.trailer.capture_time[sizeof p.trailer.capture_time - 1] = '\0';
        image.capture_time = p.trailer.capture_time;
        if (p.frame.shared_at >= 0) window_->sync();
        outcome = p.scoring.finish(scorer_, image, 0.0, hashes_);
      }
      account_photo(outcome, p.scoring.seconds(), me_, timing_);
      deliver(p.h.seq, std::move(outcome));
    }
    if (window_) {
      // Done with it: its decoder may reuse its place in the window. Every
      // photo counts, in the decoder's order, wherever its rows were.
      const std::size_t decoder = stream_.member_index(static_cast<int>(p.h.decoder));
      window_->finished(decoder, ++finished_of_[decoder]);
    }
    pool_.give_back(std::move(p.image));
    p.give_back(requests_);
    queue_.pop_front();
  }

  // Our part of photo `seq`: to the merging rank, or, on it, to the rows.
  void deliver(std::int64_t seq, ImageOutcome&& outcome) {
    if (!rows_) {
      send_part(world_, merger_, seq, outcome, timing_);
      return;
    }
    StageClock clock(timing_.merge);
    rows_->add(rank_, seq, std::move(outcome), busy_seconds(timing_), seconds_now());
  }

  // The merging rank: the other members' parts in, blocks of rows out.
  bool merge() {
    bool moved = false;
    Part part;
    while (receive_part(world_, part)) {
      StageClock clock(timing_.merge);
      rows_->add(part.rank, part.seq, std::move(part.outcome), part.busy, seconds_now());
      moved = true;
    }
    while (rows_->block_due(seconds_now())) {
      Block& block = blocks_.emplace_back();
      std::vector<ChunkPiece> pieces;
      rows_->take_message(block.message, pieces);
      chunks_.send(std::move(pieces), timing_);
      MPI_Isend(block.message.data(), static_cast<int>(block.message.size()), MPI_BYTE, rows_->dealer(), kTagBlock,
                world_, &block.request);
      timing_.bytes_sent += static_cast<std::int64_t>(block.message.size());
      moved = true;
    }
    for (auto it = blocks_.begin(); it != blocks_.end();) {
      it = test(it->request) ? blocks_.erase(it) : std::next(it);
    }
    return moved;
  }

  const Job& job_;
  GroupChannel& channel_;
  MPI_Comm world_;
  int rank_;
  const PlanRank& me_;
  const PlanGroup& group_;
  // Whether this member hashes the photos it scores: the run groups
  // (--groups), and its part carries the hash (carries_hash).
  bool hashes_;
  ImageScorer scorer_;
  RankTiming timing_;
  RequestSet requests_;  // every request this member has in flight
  ImagePool pool_;
  PixelWindow* window_;  // the group's shared-memory window; null when the pixels go by broadcast
  PixelStream stream_;
  std::string batch_bytes_;  // the batch being received
  bool ended_ = false;
  std::deque<std::unique_ptr<Photo>> queue_;     // the group's photos not finished here, in order
  std::vector<std::deque<Photo*>> streams_;      // per member: its photos whose receives are not all posted
  std::deque<std::unique_ptr<Photo>> draining_;  // our finished photos whose broadcasts are still going
  std::vector<std::uint8_t> file_;               // the file being decoded, when this member reads it
  double last_pump_ = 0.0;          // when a decode's callback last looked at the messages
  static constexpr double kPumpInterval = 1e-3;
  std::int64_t decoded_ = 0;               // photos this member has begun to decode
  std::vector<std::int64_t> finished_of_;  // per member: its photos finished here
  // The merging rank (the group's first): the parts become rows here.
  int merger_;
  std::optional<RowAssembler> rows_;
  struct Block {
    std::string message;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  std::list<Block> blocks_;  // blocks of rows on their way to the dealer
  ChunkFilterer chunks_;     // HDF5 chunks assembled and compressed for rank 0
  LaneLines lines_;          // the JSONL lines of its blocks, written where rank 0 says
};

}  // namespace

RankTiming run_roles_member(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world,
                            int rank, JsonlLaneWriter& lines) {
  Member member(job, plan, channel, world, rank, lines);
  return member.run();
}

}  // namespace photoscore::mpi
