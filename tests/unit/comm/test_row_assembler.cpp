// How a roles group's answers become blocks of rows (RowAssembler): rows in
// the group's order once whole, error rows, what was not dealt, the HDF5
// records sent to their chunks' owners and a stopped photo.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "analysis/perceptual_hash.hpp"
#include "analyzers/registry.hpp"
#include "comm/block_report.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/row_assembler.hpp"
#include "image/decoder_helpers.hpp"
#include "output/jsonl_lane_writer.hpp"
#include "output/jsonl_pieces.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_block.hpp"
#include "output/row_json.hpp"
#include "record/byte_fields.hpp"
#include "support/row_blocks.hpp"
#include "support/temp_dir.hpp"

namespace photoscore {
namespace {

using test_support::seed_specs;

// A part of an outcome: `rank`'s analyzers' results of a photo whose every
// figure is `base` + field number (labels "good").
ImageOutcome part_of(const MpiPlan& plan, int rank, double base) {
  ImageOutcome part;
  part.ok = true;
  part.width = 40;
  part.height = 30;
  part.decode_seconds = 0.001;
  const auto specs = seed_specs();
  for (std::size_t a : plan.ranks[static_cast<std::size_t>(rank)].analyzers) {
    AnalyzerResult r;
    double v = base;
    for (const FieldSpec& f : specs[a]->fields) {
      if (f.kind == FieldSpec::Kind::Number) {
        r.values.emplace_back(v);
        v += 1.0;
      } else {
        r.values.emplace_back(std::string("good"));
      }
    }
    part.results.push_back(std::move(r));
    part.analyzer_seconds.push_back(0.002);
  }
  return part;
}

Job assembler_job() {
  Job job;
  job.policy.analyzers = seed_specs();
  job.policy.weights = {0.4, 0.4, 0.2};
  job.formats = {RowFormat::Jsonl, RowFormat::Status};
  job.format = default_context(job.policy.analyzers);
  return job;
}

// What a group's merging rank sends for its next block: the message (its
// report, then the block) and the HDF5 records' pieces, read back.
struct Taken {
  std::string message;
  std::vector<ChunkPiece> pieces;
  mpi::BlockReport report;
  RowBlockView block;  // views into message
  void from(mpi::RowAssembler& rows) {
    rows.take_message(message, pieces);
    std::size_t at = 0;
    report = mpi::read_report(message, at);
    block = view_block(std::string_view(message).substr(at));
  }
};

// The archive lines of a block's JSONL section (each line and its .meta
// record come with their lengths).
// The archive lines of a sealed JSONL section: pieces of [lines bytes]
// [records bytes] (uint64 each), the records' digest, the lines, the records.
std::string jsonl_lines(std::string_view section) {
  std::string lines;
  std::size_t at = 0;
  while (at < section.size()) {
    std::uint64_t n[2] = {0, 0};
    std::memcpy(n, section.data() + at, sizeof n);
    at += sizeof n + kLedgerDigits;
    lines += section.substr(at, n[0]);
    at += n[0] + n[1];
  }
  return lines;
}

// The row a photo of `parts` gets in thread mode: the whole outcome merged
// and formatted by the same functions.
std::string thread_mode_line(const Job& job, const MpiPlan& plan, const InputFile& file,
                             const std::vector<std::pair<int, double>>& parts) {
  ImageOutcome whole;
  whole.ok = true;
  whole.width = 40;
  whole.height = 30;
  whole.results.resize(3);
  for (const auto& [rank, base] : parts) {
    ImageOutcome p = part_of(plan, rank, base);
    const auto& analyzers = plan.ranks[static_cast<std::size_t>(rank)].analyzers;
    for (std::size_t k = 0; k < analyzers.size(); ++k) whole.results[analyzers[k]] = p.results[k];
  }
  return row_to_json(finished_row(file, std::move(whole), job.policy), job.policy.analyzers) + "\n";
}

// A batch of one photo, `name` in folder "in", file `first` and the group's
// photo `seq`, decoded by `decoder`.
PhotoBatch one_photo(std::int64_t first, std::int64_t seq, int decoder, const std::string& name) {
  PhotoBatch batch;
  batch.first = first;
  batch.seq = seq;
  batch.photos.push_back({decoder, -1, 0.0, name, "in/" + name});
  return batch;
}

// A roles group of three: parts arrive in any order from any member; a
// row is made only when its photo has every part and every photo before it
// is done, and the rows are those thread mode makes.
TEST(RowAssembler, RowsLeaveInTheGroupsOrderOnceWhole) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  mpi::RowAssembler rows(job, plan, 0);
  PhotoBatch batch;
  batch.first = 10;
  batch.seq = 0;
  for (const char* name : {"a.jpg", "b.jpg", "c.jpg"}) batch.photos.push_back({1, -1, 0.0, name, std::string("in/") + name});
  rows.expect(batch, 0.0);
  // Photo 1 complete, photo 0 not yet: nothing may leave.
  for (int r : {1, 2, 3}) rows.add(r, 1, part_of(plan, r, 10.0 * r + 1), 1.0, 0.0);
  rows.add(3, 0, part_of(plan, 3, 30.0), 1.0, 0.0);
  rows.add(1, 0, part_of(plan, 1, 10.0), 1.0, 0.0);
  EXPECT_FALSE(rows.block_due(0.0));
  rows.add(2, 0, part_of(plan, 2, 20.0), 1.0, 0.0);
  // Rows 10 and 11 are formatted, but the batch is not done and they are young.
  EXPECT_FALSE(rows.block_due(0.1));
  EXPECT_TRUE(rows.block_due(1.0));  // they have waited past kMaxSeconds
  for (int r : {2, 1, 3}) rows.add(r, 2, part_of(plan, r, 10.0 * r + 2), 2.0 + r, 0.0);
  ASSERT_TRUE(rows.block_due(0.0));  // the batch is done
  Taken taken;
  taken.from(rows);
  EXPECT_TRUE(rows.idle());
  const mpi::BlockReport& report = taken.report;
  const RowBlockView& block = taken.block;
  EXPECT_EQ(block.first, 10);
  EXPECT_EQ(block.count, 3);
  EXPECT_EQ(block.errors, 0);
  std::string expected;
  for (int i = 0; i < 3; ++i) {
    const InputFile file = batch.photos[static_cast<std::size_t>(i)].filename == "a.jpg"
                               ? InputFile{"a.jpg", "in/a.jpg"}
                               : InputFile{batch.photos[static_cast<std::size_t>(i)].filename,
                                           batch.photos[static_cast<std::size_t>(i)].path};
    const double off = i == 0 ? 0.0 : static_cast<double>(i);
    expected += thread_mode_line(job, plan, file, {{1, 10.0 + off}, {2, 20.0 + off}, {3, 30.0 + off}});
  }
  EXPECT_EQ(jsonl_lines(block.sections.at(0)), expected);
  EXPECT_EQ(report.group, 0);
  ASSERT_EQ(report.members.size(), 3u);
  for (const mpi::MemberReport& m : report.members) EXPECT_EQ(m.seq_end, 3);
  EXPECT_EQ(report.members[2].busy_seconds, 5.0);  // rank 3's latest
}

// A photo whose decode failed: every member reports the error, the row is
// an error row with the first analyzer's rank's error, and it counts.
TEST(RowAssembler, AnErrorRowKeepsTheFirstAnalyzersError) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  mpi::RowAssembler rows(job, plan, 0);
  rows.expect(one_photo(0, 0, 2, "bad.jpg"), 0.0);
  for (int r : {3, 2, 1}) rows.add(r, 0, failed_outcome("error seen by rank " + std::to_string(r), 0.0), 1.0, 0.0);
  Taken taken;
  taken.from(rows);
  const RowBlockView& block = taken.block;
  EXPECT_EQ(block.errors, 1);
  EXPECT_NE(jsonl_lines(block.sections.at(0)).find("error seen by rank 1"), std::string::npos);
  EXPECT_EQ(block.sections.at(1), std::string(1, '\0'));
}

// With --groups the row carries the photo's perceptual hash: the member
// holding the first analyzer computed it, the others sent none, and the
// row keeps it whatever order the parts came in.
TEST(RowAssembler, TheHashComesFromTheFirstAnalyzersMember) {
  Job job = assembler_job();
  job.format.grouping = true;
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  ASSERT_EQ(plan.ranks[1].analyzers.front(), 0u);
  mpi::RowAssembler rows(job, plan, 0);
  rows.expect(one_photo(0, 0, 2, "a.jpg"), 0.0);
  ImageOutcome first = part_of(plan, 1, 10.0);
  first.perceptual_hash = 0xc3a5f00f12345678u;
  rows.add(1, 0, std::move(first), 1.0, 0.0);
  for (int r : {2, 3}) rows.add(r, 0, part_of(plan, r, 10.0 * r), 1.0, 0.0);  // no hash: 0
  Taken taken;
  taken.from(rows);
  const std::string line = jsonl_lines(taken.block.sections.at(0));
  EXPECT_NE(line.find("\"perceptual_hash\":\"" + hash_text(0xc3a5f00f12345678u) + "\""), std::string::npos)
      << line;
}

TEST(RowAssembler, RefusesWhatWasNotDealt) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch = one_photo(5, 4, 2, "x.jpg");
  rows.expect(batch, 0.0);
  EXPECT_THROW(rows.add(1, 4, part_of(plan, 1, 1.0), 0.0, 0.0), std::runtime_error);  // rank 1 is not in group 1
  EXPECT_THROW(rows.add(2, 3, part_of(plan, 2, 1.0), 0.0, 0.0),
               std::runtime_error);  // before the first batch
  // A part past the batches dealt so far may be ahead of its batch; once the
  // dealer has sent its last batch, it answers a photo never dealt.
  EXPECT_NO_THROW(rows.dealing_ended());
  rows.add(2, 5, part_of(plan, 2, 1.0), 0.0, 0.0);
  EXPECT_FALSE(rows.idle());
  EXPECT_THROW(rows.dealing_ended(), std::runtime_error);
  batch.seq = 9;
  EXPECT_THROW(rows.expect(batch, 0.0), std::runtime_error);  // out of the group's order
}

// The dealer sends a batch to every member of a roles group, and messages
// from different ranks keep no order: a member that got the batch first may
// decode, score and answer before the batch reaches the merging rank (seen
// under mpirun -np 5, a shared analyzer's second rank answering a tiny
// photo). Its part is held until the batch comes, and the rows are the same.
TEST(RowAssembler, APartAheadOfItsBatchWaitsForIt) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  mpi::RowAssembler rows(job, plan, 0);
  const PhotoBatch first = one_photo(0, 0, 1, "a.jpg");
  const PhotoBatch second = one_photo(1, 1, 2, "b.jpg");
  // Before any batch, and between the first and the second.
  rows.add(3, 0, part_of(plan, 3, 30.0), 1.0, 0.0);
  rows.expect(first, 0.0);
  rows.add(2, 1, part_of(plan, 2, 21.0), 1.0, 0.0);
  rows.add(3, 1, part_of(plan, 3, 31.0), 1.0, 0.0);
  for (int r : {1, 2}) rows.add(r, 0, part_of(plan, r, 10.0 * r), 1.0, 0.0);
  rows.expect(second, 0.0);
  rows.add(1, 1, part_of(plan, 1, 11.0), 1.0, 0.0);
  EXPECT_NO_THROW(rows.dealing_ended());
  std::string lines;
  while (rows.block_due(0.0)) {
    Taken taken;
    taken.from(rows);
    lines += jsonl_lines(taken.block.sections.at(0));
  }
  EXPECT_TRUE(rows.idle());
  EXPECT_EQ(lines, thread_mode_line(job, plan, {"a.jpg", "in/a.jpg"}, {{1, 10.0}, {2, 20.0}, {3, 30.0}}) +
                       thread_mode_line(job, plan, {"b.jpg", "in/b.jpg"}, {{1, 11.0}, {2, 21.0}, {3, 31.0}}));
}

// The rows' HDF5 records leave apart, for their chunks' owners: the block
// rank 0 gets carries their count alone, and the pieces hold the rows'
// places in the whole file (after the rows a resumed run kept).
TEST(RowAssembler, HdfRecordsGoToTheirChunksNotToRankZero) {
  Job job = assembler_job();
  job.formats = {RowFormat::Jsonl, RowFormat::H5, RowFormat::Status};
  job.format.row_offset = 1000;
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch;
  batch.first = 20;  // rows 1020 to 1025: the end of chunk 0, the start of chunk 1
  batch.seq = 0;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "p" + std::to_string(i) + ".jpg";
    batch.photos.push_back({2, -1, 0.0, name, "in/" + name});
  }
  rows.expect(batch, 0.0);
  for (int i = 0; i < 6; ++i) rows.add(2, i, part_of(plan, 2, 1.0 + i), 1.0, 0.0);
  ASSERT_TRUE(rows.block_due(0.0));
  Taken taken;
  taken.from(rows);
  const RowBlockView& block = taken.block;
  std::vector<ChunkPiece>& pieces = taken.pieces;
  EXPECT_EQ(block.count, 6);
  EXPECT_NE(jsonl_lines(block.sections.at(0)).find("p5.jpg"), std::string::npos);
  EXPECT_TRUE(block.sections.at(1).empty());
  ASSERT_EQ(pieces.size(), 2u);
  const H5RecordSizes sizes = h5_record_sizes(job.format);
  std::size_t here = 0;
  EXPECT_EQ(pieces[0].chunk, 0u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[0].bytes, here, "piece"), 1020u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[0].bytes, here, "piece"), 4u);
  EXPECT_EQ(pieces[0].bytes.size(), 24 + 4 * (sizes.scores + sizes.images));
  here = 0;
  EXPECT_EQ(pieces[1].chunk, 1u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[1].bytes, here, "piece"), 1024u);
  EXPECT_EQ(get_field<std::uint64_t>(pieces[1].bytes, here, "piece"), 2u);
  // The first record of the second piece is row 1024's: photo p4.jpg.
  EXPECT_EQ(pieces[1].bytes.substr(24, 6), "p4.jpg");
}

// A photo abandoned as the run stopped (a decoder helper that could not end
// in time) gets no row: a stopped block of its own, between the
// rows before it and those after it (which the writer then drops).
TEST(RowAssembler, AStoppedPhotoIsAStoppedBlockOfItsOwn) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  mpi::RowAssembler rows(job, plan, 1);
  PhotoBatch batch;
  batch.first = 5;
  batch.seq = 0;
  for (const char* name : {"a.jpg", "b.heic", "c.jpg"})
    batch.photos.push_back({2, -1, 0.0, name, std::string("in/") + name});
  rows.expect(batch, 0.0);
  rows.add(2, 0, part_of(plan, 2, 1.0), 1.0, 0.0);
  rows.add(2, 1, failed_outcome(kDecodeStopped, 0.0), 1.0, 0.0);
  rows.add(2, 2, part_of(plan, 2, 2.0), 1.0, 0.0);
  std::vector<RowBlockView> blocks;
  std::vector<std::string> messages;
  while (rows.block_due(0.0)) {
    std::size_t at = 0;
    std::vector<ChunkPiece> pieces;
    rows.take_message(messages.emplace_back(), pieces);
    mpi::read_report(messages.back(), at);
    blocks.push_back(view_block(std::string_view(messages.back()).substr(at)));
  }
  EXPECT_TRUE(rows.idle());
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].first, 5);
  EXPECT_EQ(blocks[0].count, 1);
  EXPECT_FALSE(blocks[0].stopped);
  EXPECT_EQ(blocks[1].first, 6);
  EXPECT_EQ(blocks[1].count, 1);
  EXPECT_EQ(blocks[1].errors, 0);
  EXPECT_TRUE(blocks[1].stopped);
  for (std::string_view section : blocks[1].sections) EXPECT_TRUE(section.empty());
  EXPECT_EQ(blocks[2].first, 7);
  EXPECT_FALSE(blocks[2].stopped);
}

// A group that sees rank 0's JSONL keeps its lines and sends rank 0 their
// stub: the sizes, the records' digest and a key, not the rows; the lines
// go into the file where rank 0 then says, byte for byte thread mode's.
TEST(RowAssembler, LinesItWritesItselfTravelAsAStub) {
  const Job job = assembler_job();
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 3, 3);
  test_support::TempDir dir;
  const std::string path = (dir.path() / "r.jsonl").string();
  std::ofstream(path).close();
  JsonlLaneWriter writer(JsonlTarget{path, photo_identity(path), "", ""});
  ASSERT_TRUE(writer.usable()) << writer.why_not();
  mpi::RowAssembler rows(job, plan, 1);
  rows.write_lines_with(writer, 2);
  rows.expect(one_photo(7, 0, 2, "x.jpg"), 0.0);
  rows.add(2, 0, part_of(plan, 2, 5.0), 1.0, 0.0);
  Taken taken;
  taken.from(rows);
  const std::vector<JsonlPiece> pieces = read_jsonl_pieces(taken.block.sections.at(0));
  ASSERT_EQ(pieces.size(), 1u);
  const std::string line = thread_mode_line(job, plan, {"x.jpg", "in/x.jpg"}, {{2, 5.0}});
  EXPECT_TRUE(pieces[0].stub);
  EXPECT_EQ(pieces[0].rows, 1u);
  EXPECT_EQ(pieces[0].owner, 2u);
  EXPECT_EQ(pieces[0].line_bytes, line.size());
  EXPECT_EQ(taken.block.sections.at(0).find("x.jpg"), std::string::npos);
  EXPECT_EQ(writer.pending(), 1u);
  writer.write({2, pieces[0].key, 0, kNoRecords});
  EXPECT_EQ(writer.pending(), 0u);
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, line);
}

}  // namespace
}  // namespace photoscore
