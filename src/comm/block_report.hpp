#pragma once
// What a group tells rank 0 with each block of rows, besides the rows: how
// busy its members were and how far each has answered, from which rank 0
// sizes the group's next batches and (roles) picks its decoders. Plain
// bytes: tested without MPI.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace photoscore::mpi {

struct MemberReport {
  std::int32_t rank = 0;
  std::int64_t seq_end = 0;       // it has answered every group photo before this one it answers
  double decode_seconds = 0.0;    // since its previous report
  double analyze_seconds = 0.0;   // since its previous report
  double busy_seconds = 0.0;      // since the start: decoding, analyzing, communicating
};

struct BlockReport {
  std::int32_t group = 0;
  std::vector<MemberReport> members;  // those with something new
};

// A block message: the report, then the encoded RowBlock. read_report
// returns where the block starts; it throws std::runtime_error on bytes
// that do not hold a report.
void write_block_message(const BlockReport& report, const std::string& block, std::string& out);
BlockReport read_report(std::string_view message, std::size_t& block_at);

}  // namespace photoscore::mpi
