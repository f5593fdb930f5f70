#include "comm/block_report.hpp"

#include <cstring>
#include <stdexcept>

#include "record/byte_fields.hpp"

namespace photoscore::mpi {

namespace {

template <typename T>
void put(std::string& out, T v) {
  put_field(out, v);
}

template <typename T>
T get(std::string_view bytes, std::size_t& at) {
  return get_field<T>(bytes, at, "malformed block message");
}

constexpr std::size_t kMemberBytes = sizeof(std::int32_t) + sizeof(std::int64_t) + 3 * sizeof(double);

}  // namespace

void write_block_message(const BlockReport& report, const std::string& block, std::string& out) {
  out.clear();
  out.reserve(sizeof(std::int32_t) + sizeof(std::uint32_t) + report.members.size() * kMemberBytes + block.size());
  put(out, report.group);
  put(out, static_cast<std::uint32_t>(report.members.size()));
  for (const MemberReport& m : report.members) {
    put(out, m.rank);
    put(out, m.seq_end);
    put(out, m.decode_seconds);
    put(out, m.analyze_seconds);
    put(out, m.busy_seconds);
  }
  out += block;
}

BlockReport read_report(std::string_view message, std::size_t& block_at) {
  std::size_t at = 0;
  BlockReport report;
  report.group = get<std::int32_t>(message, at);
  const auto members = get<std::uint32_t>(message, at);
  if (report.group < 0 || members > (message.size() - at) / kMemberBytes)
    throw std::runtime_error("malformed block message");
  report.members.resize(members);
  for (MemberReport& m : report.members) {
    m.rank = get<std::int32_t>(message, at);
    m.seq_end = get<std::int64_t>(message, at);
    m.decode_seconds = get<double>(message, at);
    m.analyze_seconds = get<double>(message, at);
    m.busy_seconds = get<double>(message, at);
  }
  block_at = at;
  return report;
}

}  // namespace photoscore::mpi
