#include "comm/row_assembler.hpp"

#include <algorithm>
#include <stdexcept>

#include "image/clock.hpp"

namespace photoscore::mpi {

RowAssembler::RowAssembler(const Job& job, const MpiPlan& plan, std::size_t group)
    : job_(job),
      plan_(plan),
      group_(plan.groups.at(group)),
      lane_(0),
      count_(job.policy.analyzers.size()),
      builder_(job.formats, job.format),
      members_(group_.ranks.size()),
      reported_(group_.ranks.size(), false),
      h5_(section_of(job.formats, RowFormat::H5)),
      jsonl_(section_of(job.formats, RowFormat::Jsonl)) {
  for (std::size_t m = 0; m < group_.ranks.size(); ++m) members_[m].rank = group_.ranks[m];
  if (h5_ != kNoSection) h5_sizes_ = h5_record_sizes(job.format);
  // Its place among its dealer's lanes, which the dealer's reports go by.
  const std::vector<PlanLane> lanes = plan_lanes(plan, group_.dealer);
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    if (lanes[i].group == static_cast<int>(group)) lane_ = static_cast<std::int32_t>(i);
  }
}

std::size_t RowAssembler::member(int rank) const {
  const auto it = std::find(group_.ranks.begin(), group_.ranks.end(), rank);
  if (it == group_.ranks.end())
    throw std::runtime_error("rank " + std::to_string(rank) + " answered for a group it is not in");
  return static_cast<std::size_t>(it - group_.ranks.begin());
}

void RowAssembler::expect(const PhotoBatch& batch, double now) {
  const std::int64_t next_seq = photos_.empty() ? batch.seq : photos_.back().seq + 1;
  if (!photos_.empty() && batch.seq != next_seq)
    throw std::runtime_error("a batch out of the group's order");
  for (std::size_t k = 0; k < batch.photos.size(); ++k) {
    const BatchPhoto& p = batch.photos[k];
    Expected& e = photos_.emplace_back();
    e.index = batch.first + static_cast<std::int64_t>(k);
    e.seq = batch.seq + static_cast<std::int64_t>(k);
    e.file = {p.filename, p.path};
    e.outcome.identity = p.identity;  // when rank 0 read it
    e.timing.ranks = group_responders(group_, e.seq);
    e.timing.read_seconds = p.read_seconds;
    e.timing.analyzer_seconds.assign(count_, 0.0);
    e.pending = static_cast<int>(e.timing.ranks.size());
    e.outcome.ok = true;
    e.outcome.results.resize(count_);
    e.error_from = count_;
    e.arrived_at = now;
    e.ends_batch = k + 1 == batch.photos.size();
  }
  dealt_end_ = batch.seq + static_cast<std::int64_t>(batch.photos.size());
  // The parts that came ahead of this batch, in the order they came.
  std::vector<EarlyPart> held;
  held.swap(early_);
  for (EarlyPart& p : held) {
    if (p.seq < dealt_end_) {
      add(p.rank, p.seq, std::move(p.part), p.busy_seconds, now);
    } else {
      early_.push_back(std::move(p));
    }
  }
}

void RowAssembler::dealing_ended() const {
  if (early_.empty()) return;
  const EarlyPart& p = early_.front();
  throw std::runtime_error("rank " + std::to_string(p.rank) + " answered for photo " + std::to_string(p.seq) +
                           " of its group, which was never dealt");
}

void RowAssembler::add(int rank, std::int64_t seq, ImageOutcome&& part, double busy_seconds, double now) {
  member(rank);  // refuses a rank from another group at once
  if (seq >= dealt_end_) {
    early_.push_back({rank, seq, std::move(part), busy_seconds});
    return;
  }
  if (photos_.empty() || seq < photos_.front().seq || seq > photos_.back().seq)
    throw std::runtime_error("rank " + std::to_string(rank) + " answered for photo " + std::to_string(seq) +
                             " of its group, which is not expected");
  Expected& e = photos_[static_cast<std::size_t>(seq - photos_.front().seq)];
  const PlanRank& from = plan_.ranks.at(static_cast<std::size_t>(rank));
  const std::vector<std::size_t>& analyzers = from.analyzers;
  e.outcome.decode_seconds += part.decode_seconds;
  if (!part.identity.empty()) e.outcome.identity = std::move(part.identity);  // the rank that read it
  e.timing.decode_seconds += part.decode_seconds;
  if (part.ok) {
    if (part.results.size() != analyzers.size()) {
      throw std::runtime_error("rank " + std::to_string(rank) + " sent " + std::to_string(part.results.size()) +
                               " results for " + std::to_string(analyzers.size()) + " analyzers");
    }
    for (std::size_t k = 0; k < analyzers.size(); ++k) e.outcome.results[analyzers[k]] = std::move(part.results[k]);
    e.outcome.width = part.width;
    e.outcome.height = part.height;
    e.outcome.source = std::move(part.source);
    if (carries_hash(from)) e.outcome.perceptual_hash = part.perceptual_hash;
    e.outcome.capture_time = std::move(part.capture_time);
  } else if (analyzers.front() < e.error_from) {
    // Every rank reports the error of the one decode (roles) or its own
    // (farm), so the errors agree; keeping the first analyzer's makes the
    // choice explicit.
    e.outcome.ok = false;
    e.outcome.error = std::move(part.error);
    e.error_from = analyzers.front();
  }
  double analyze = 0.0;
  for (std::size_t k = 0; k < analyzers.size() && k < part.analyzer_seconds.size(); ++k) {
    e.timing.analyzer_seconds[analyzers[k]] = part.analyzer_seconds[k];
    analyze += part.analyzer_seconds[k];
  }
  MemberReport& m = members_[member(rank)];
  m.seq_end = std::max(m.seq_end, seq + 1);
  m.decode_seconds += part.decode_seconds;
  m.analyze_seconds += analyze;
  m.busy_seconds = std::max(m.busy_seconds, busy_seconds);
  reported_[member(rank)] = true;
  if (--e.pending < 0) throw std::runtime_error("photo " + std::to_string(seq) + " answered twice");
  format_ready(now);
}

void RowAssembler::format_ready(double now) {
  while (!photos_.empty() && photos_.front().pending == 0) {
    const double t0 = seconds_now();
    Expected& e = photos_.front();
    // Rows must be consecutive in a block: a photo that does not follow the
    // open block's last row starts a new one.
    if (builder_.count() > 0 && e.index != builder_.first() + builder_.count()) seal();
    if (decode_stopped(e.outcome)) {
      // Abandoned as the run stopped: a stopped block of its own, after
      // which the writer writes nothing.
      seal();
      builder_.add_stopped(e.index);
      photos_.pop_front();
      seal();
      merge_seconds_ += seconds_now() - t0;
      continue;
    }
    if (builder_.count() == 0) open_since_ = now;
    const ScoredRow row = finished_row(e.file, std::move(e.outcome), job_.policy);
    e.timing.latency_seconds = now - e.arrived_at;
    builder_.add(row, e.timing, e.index);
    const bool ends_batch = e.ends_batch;
    photos_.pop_front();
    // Rank 0 deals more when a batch is done: it must hear of it now.
    if (ends_batch || builder_.count() >= kMaxRows) seal();
    merge_seconds_ += seconds_now() - t0;
  }
}

void RowAssembler::seal() {
  if (builder_.count() > 0) sealed_.push_back(builder_.take());
}

bool RowAssembler::block_due(double now) const {
  return !sealed_.empty() || (builder_.count() > 0 && now - open_since_ >= kMaxSeconds);
}

void RowAssembler::take_message(std::string& out, std::vector<ChunkPiece>& pieces) {
  if (sealed_.empty()) seal();
  if (sealed_.empty()) throw std::logic_error("RowAssembler::take_message with no rows");
  BlockReport report;
  report.group = lane_;
  for (std::size_t m = 0; m < members_.size(); ++m) {
    if (!reported_[m]) continue;
    report.members.push_back(members_[m]);
    // Seconds are since the previous report; seq_end and busy stay.
    members_[m].decode_seconds = members_[m].analyze_seconds = 0.0;
    reported_[m] = false;
  }
  RowBlock& rows = sealed_.front();
  if (h5_ != kNoSection && !rows.sections[h5_].empty()) {
    std::string& records = rows.sections[h5_];
    pieces = split_by_chunk(records, static_cast<std::uint64_t>(job_.format.row_offset + rows.first),
                            h5_sizes_.scores, h5_sizes_.images);
    records.clear();
  }
  // The lines stay here until rank 0 says where they go: it gets their sizes.
  if (lines_ && jsonl_ != kNoSection) lines_->stub(rows.sections[jsonl_], static_cast<std::uint64_t>(owner_));
  std::string block;
  encode_block(rows, block);
  sealed_.pop_front();
  write_block_message(report, block, out);
}

}  // namespace photoscore::mpi
