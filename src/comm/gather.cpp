#include <algorithm>
#include <array>
#include <cstring>

#include "comm/mpi_ranks.hpp"

namespace photoscore::mpi {

namespace {

constexpr std::size_t kHostChars = 256;

// Every figure of a RankTiming but its strings, which rank 0 knows already.
constexpr std::size_t kTimingFixed = 13;

std::vector<double> pack_timing(const RankTiming& t) {
  // Counts travel as doubles: exact up to 2^53.
  std::vector<double> v = {t.wall,
                           t.read,
                           t.comm,
                           t.wait,
                           t.decode,
                           t.merge,
                           t.write,
                           static_cast<double>(t.images),
                           static_cast<double>(t.bytes_sent),
                           static_cast<double>(t.peak_memory),
                           t.cpu,
                           t.busy_cpu,
                           static_cast<double>(t.preempted)};
  v.insert(v.end(), t.analyze.begin(), t.analyze.end());
  return v;
}

RankTiming unpack_timing(const double* v, std::size_t analyzers) {
  RankTiming t;
  t.wall = v[0];
  t.read = v[1];
  t.comm = v[2];
  t.wait = v[3];
  t.decode = v[4];
  t.merge = v[5];
  t.write = v[6];
  t.images = static_cast<std::int64_t>(v[7]);
  t.bytes_sent = static_cast<std::int64_t>(v[8]);
  t.peak_memory = static_cast<std::int64_t>(v[9]);
  t.cpu = v[10];
  t.busy_cpu = v[11];
  t.preempted = static_cast<std::int64_t>(v[12]);
  t.analyze.assign(v + kTimingFixed, v + kTimingFixed + analyzers);
  return t;
}

}  // namespace

std::vector<std::string> gather_hosts(MPI_Comm comm, int rank, int world) {
  std::array<char, kHostChars> mine{};
  const std::string host = this_host();
  std::memcpy(mine.data(), host.data(), std::min(host.size(), kHostChars - 1));
  std::vector<char> all(rank == 0 ? kHostChars * static_cast<std::size_t>(world) : 0);
  MPI_Gather(mine.data(), static_cast<int>(kHostChars), MPI_CHAR, all.data(), static_cast<int>(kHostChars), MPI_CHAR,
             0, comm);
  std::vector<std::string> hosts;
  for (int r = 0; rank == 0 && r < world; ++r) hosts.emplace_back(all.data() + static_cast<std::size_t>(r) * kHostChars);
  return hosts;
}

std::vector<RankTiming> gather_timings(MPI_Comm comm, int rank, int world, const RankTiming& mine,
                                       std::size_t analyzers) {
  const std::vector<double> packed = pack_timing(mine);
  const std::size_t width = kTimingFixed + analyzers;
  std::vector<double> all(rank == 0 ? width * static_cast<std::size_t>(world) : 0);
  MPI_Gather(packed.data(), static_cast<int>(width), MPI_DOUBLE, all.data(), static_cast<int>(width), MPI_DOUBLE, 0,
             comm);
  std::vector<RankTiming> timings;
  for (int r = 0; rank == 0 && r < world; ++r) {
    timings.push_back(unpack_timing(all.data() + static_cast<std::size_t>(r) * width, analyzers));
  }
  return timings;
}

}  // namespace photoscore::mpi
