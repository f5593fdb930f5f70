// A farm worker: a group of one. It receives its batches from rank 0 (the
// photos' names and paths, and the bytes of those rank 0 reads for it),
// reads the others itself, decodes and scores each photo with every
// analyzer, merges and formats its row (RowAssembler) and sends rank 0 the
// rows in blocks.
#include <algorithm>
#include <deque>
#include <list>
#include <string>

#include "comm/chunk_service.hpp"
#include "comm/lane_lines.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/mpi_wait.hpp"
#include "comm/row_assembler.hpp"
#include "image/clock.hpp"
#include "run/photo_batch.hpp"

namespace photoscore::mpi {

namespace {

struct Queued {
  BatchPhoto photo;
  std::int64_t seq = 0;
  std::vector<std::uint8_t> bytes;  // what rank 0 sent
  std::vector<MPI_Request> requests;
};

struct Outgoing {
  std::string message;
  MPI_Request request = MPI_REQUEST_NULL;
};

}  // namespace

RankTiming run_farm_worker(const Job& job, const MpiPlan& plan, GroupChannel& channel, MPI_Comm world,
                           int rank, JsonlLaneWriter& writer) {
  const PlanRank& me = plan.ranks[static_cast<std::size_t>(rank)];
  std::vector<const AnalyzerSpec*> mine;
  for (std::size_t a : me.analyzers) mine.push_back(job.policy.analyzers[a]);
  // One photo at a time here, so its strips use every thread of the rank.
  ImageScorer scorer(mine, job.threads);
  RowAssembler rows(job, plan, static_cast<std::size_t>(me.group));

  RankTiming timing = empty_timing(job.policy.analyzers.size());
  const double start = seconds_now();
  std::deque<Queued> queue;
  std::list<Outgoing> outgoing;
  std::string batch_bytes;
  std::vector<std::uint8_t> file;
  bool ended = false;
  ChunkFilterer chunks(world, rank, plan.world, job.format.row_offset);
  // A worker under a leader sends its rows to the leader, which writes them.
  LaneLines lines(world, writer, rows.dealer() == 0);
  if (lines.writes()) rows.write_lines_with(writer, rank);

  // Batches in, blocks out, HDF5 chunks compressed for rank 0; true if anything moved.
  const auto pump = [&] {
    bool moved = chunks.serve(timing);
    moved |= lines.serve(timing);
    while (!ended && channel.receive_batch(batch_bytes)) {
      moved = true;
      if (batch_bytes.empty()) {
        ended = true;
        break;
      }
      const PhotoBatch batch = decode_batch(batch_bytes);
      rows.expect(batch, seconds_now());
      for (std::size_t k = 0; k < batch.photos.size(); ++k) {
        Queued& q = queue.emplace_back();
        q.photo = batch.photos[k];
        q.seq = batch.seq + static_cast<std::int64_t>(k);
        if (q.photo.payload >= 0) {
          q.bytes.resize(static_cast<std::size_t>(q.photo.payload));
          payload(world, 0, false, q.bytes, q.requests);
        }
      }
    }
    while (rows.block_due(seconds_now())) {
      Outgoing& out = outgoing.emplace_back();
      std::vector<ChunkPiece> pieces;
      rows.take_message(out.message, pieces);
      chunks.send(std::move(pieces), timing);
      MPI_Isend(out.message.data(), static_cast<int>(out.message.size()), MPI_BYTE, rows.dealer(), kTagBlock,
                world, &out.request);
      timing.bytes_sent += static_cast<std::int64_t>(out.message.size());
      moved = true;
    }
    for (auto it = outgoing.begin(); it != outgoing.end();) {
      it = test(it->request) ? outgoing.erase(it) : std::next(it);
    }
    return moved;
  };

  for (;;) {
    account(timing, pump);
    if (queue.empty()) {
      if (ended && rows.idle()) break;
      StageClock clock(timing.wait);
      // Rows that have waited long enough go out even with nothing new.
      poll_until([&] { return pump() || rows.block_due(seconds_now()); });
      continue;
    }
    Queued& q = queue.front();
    if (!q.requests.empty()) {
      StageClock clock(timing.comm);
      poll_until([&] { return test_all(q.requests); });
    }
    std::string error;
    std::string identity;
    const std::vector<std::uint8_t>* bytes =
        photo_bytes(job, q.photo.payload, q.photo.path, q.bytes, file, error, identity, timing);
    const double t0 = seconds_now();
    ImageOutcome outcome =
        bytes ? process_image(*bytes, scorer, job.limits, job.format.grouping) : failed_outcome(error, 0.0);
    outcome.identity = std::move(identity);
    account_photo(outcome, std::max(0.0, seconds_now() - t0 - outcome.decode_seconds), me, timing);
    {
      StageClock clock(timing.merge);
      rows.add(rank, q.seq, std::move(outcome), busy_seconds(timing), seconds_now());
    }
    queue.pop_front();
  }
  {
    StageClock clock(timing.comm);
    poll_until([&] {
      pump();
      return outgoing.empty() && chunks.done() && lines.done();
    });
  }
  timing.wall = seconds_now() - start;
  return timing;
}

}  // namespace photoscore::mpi
