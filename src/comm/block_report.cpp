#include "comm/block_report.hpp"

#include <cstring>
#include <stdexcept>

#include "record/byte_fields.hpp"

namespace photoscore::mpi {

namespace {

constexpr std::size_t kMemberBytes = sizeof(std::int32_t) + sizeof(std::int64_t) + 3 * sizeof(double);

}  // namespace

void write_block_message(const BlockReport& report, const std::string& block, std::string& out) {
  out.clear();
  out.reserve(sizeof(std::int32_t) + sizeof(std::uint32_t) + report.members.size() * kMemberBytes + block.size());
  put_field(out, report.group);
  put_field(out, static_cast<std::uint32_t>(report.members.size()));
  for (const MemberReport& m : report.members) {
    put_field(out, m.rank);
    put_field(out, m.seq_end);
    put_field(out, m.decode_seconds);
    put_field(out, m.analyze_seconds);
    put_field(out, m.busy_seconds);
  }
  out += block;
}

BlockReport read_report(std::string_view message, std::size_t& block_at) {
  FieldReader r(message, "malformed block message");
  BlockReport report;
  report.group = r.get<std::int32_t>();
  const auto members = r.get<std::uint32_t>();
  if (report.group < 0 || members > r.left() / kMemberBytes)
    throw std::runtime_error("malformed block message");
  report.members.resize(members);
  for (MemberReport& m : report.members) {
    m.rank = r.get<std::int32_t>();
    m.seq_end = r.get<std::int64_t>();
    m.decode_seconds = r.get<double>();
    m.analyze_seconds = r.get<double>();
    m.busy_seconds = r.get<double>();
  }
  block_at = r.at();
  return report;
}

}  // namespace photoscore::mpi
