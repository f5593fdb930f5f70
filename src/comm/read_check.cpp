// --read auto and --read workers: which ranks can read the photos they
// decode. Every node checks that it sees the input as rank 0 listed it: a
// sample of the files (all of them up to kSample, else kSample spread evenly
// over the list), each at its path with rank 0's size, the node's ranks
// sharing the checking. A sample, not every file: a folder of millions of
// photos would otherwise cost every node millions of metadata lookups at
// start (on a parallel file system, a storm for everyone), and a node that
// cannot see the input, or sees another copy of it, fails on the first few.
#include "comm/read_check.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "comm/mpi_ranks.hpp"

namespace photoscore::mpi {

namespace {

constexpr std::size_t kSample = 1000;

struct Sampled {
  std::int64_t size = -1;  // -1: rank 0 could not stat it either
  std::string path;
};

std::int64_t size_at(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  return static_cast<std::int64_t>(st.st_size);
}

std::string encode(const std::vector<Sampled>& sample) {
  std::string out;
  for (const Sampled& s : sample) {
    const auto n = static_cast<std::uint32_t>(s.path.size());
    out.append(reinterpret_cast<const char*>(&s.size), sizeof s.size);
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += s.path;
  }
  return out;
}

std::vector<Sampled> decode(const std::string& bytes) {
  std::vector<Sampled> sample;
  std::size_t at = 0;
  while (at < bytes.size()) {
    Sampled& s = sample.emplace_back();
    std::uint32_t n = 0;
    if (bytes.size() - at < sizeof s.size + sizeof n) throw std::runtime_error("malformed sample of the input");
    std::memcpy(&s.size, bytes.data() + at, sizeof s.size);
    std::memcpy(&n, bytes.data() + at + sizeof s.size, sizeof n);
    at += sizeof s.size + sizeof n;
    if (bytes.size() - at < n) throw std::runtime_error("malformed sample of the input");
    s.path = bytes.substr(at, n);
    at += n;
  }
  return sample;
}

std::string list(const std::vector<std::string>& hosts) {
  std::string out;
  for (std::size_t i = 0; i < hosts.size(); ++i) out += (i ? ", " : "") + hosts[i];
  return out;
}

}  // namespace

ReadPlan plan_reading(ReadMode mode, MPI_Comm world, int rank, int size, const std::vector<InputFile>& files,
                      const std::vector<std::string>& hosts) {
  ReadPlan plan;
  plan.reads_itself.assign(static_cast<std::size_t>(size), mode != ReadMode::Rank0);
  if (mode == ReadMode::Rank0) {
    plan.summary = "rank0";
    return plan;
  }
  int all_read = 1;
  // Rank 0's sample, as it sees it.
  std::string bytes;
  if (rank == 0) {
    std::vector<Sampled> sample;
    const std::size_t n = files.size();
    const std::size_t take = std::min(n, kSample);
    for (std::size_t k = 0; k < take; ++k) {
      const std::size_t i = take == n ? k : k * n / take;
      sample.push_back({size_at(files[i].path), files[i].path});
    }
    bytes = encode(sample);
  }
  broadcast_from_rank0(bytes, world);
  const std::vector<Sampled> sample = decode(bytes);

  // This node's ranks share the checking.
  MPI_Comm node;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int local = 0;
  int locals = 1;
  MPI_Comm_rank(node, &local);
  MPI_Comm_size(node, &locals);
  int mine = 0;
  std::string first_miss;
  for (std::size_t i = static_cast<std::size_t>(local); i < sample.size(); i += static_cast<std::size_t>(locals)) {
    const Sampled& s = sample[i];
    if (s.size < 0 || size_at(s.path) == s.size) continue;
    if (mine++ == 0) first_miss = s.path;
  }
  int misses = 0;
  MPI_Allreduce(&mine, &misses, 1, MPI_INT, MPI_SUM, node);
  MPI_Comm_free(&node);

  // Rank 0 hears every rank's node's verdict, and one path it missed.
  std::vector<int> verdicts(rank == 0 ? static_cast<std::size_t>(size) : 0);
  MPI_Gather(&misses, 1, MPI_INT, verdicts.data(), 1, MPI_INT, 0, world);
  char example[512] = {};
  std::strncpy(example, first_miss.c_str(), sizeof example - 1);
  std::vector<char> examples(rank == 0 ? sizeof example * static_cast<std::size_t>(size) : 0);
  MPI_Gather(example, sizeof example, MPI_CHAR, examples.data(), sizeof example, MPI_CHAR, 0, world);

  int refuse = 0;
  if (rank == 0) {
    std::vector<std::string> blind;
    std::string missed;
    bool some_see = false;
    for (int r = 1; r < size; ++r) {
      const auto i = static_cast<std::size_t>(r);
      plan.reads_itself[i] = verdicts[i] == 0;
      some_see |= plan.reads_itself[i];
      if (plan.reads_itself[i]) continue;
      if (std::find(blind.begin(), blind.end(), hosts[i]) == blind.end()) blind.push_back(hosts[i]);
      if (missed.empty()) missed = examples.data() + i * sizeof example;
    }
    const std::string why = "cannot see the input as rank 0 listed it" +
                            (missed.empty() ? std::string() : " (" + missed + " is missing or of another size)");
    const std::string nodes = (blind.size() == 1 ? "node " : "nodes ") + list(blind);
    all_read = blind.empty() ? 1 : 0;
    if (blind.empty()) {
      plan.summary = mode == ReadMode::Auto ? "workers (auto)" : "workers";
    } else if (mode == ReadMode::Workers) {
      plan.refusal = "--read workers: " + nodes + " " + why + "; use --read auto or rank0, or make the folder "
                     "visible there at the same path";
      refuse = 1;
    } else {
      plan.summary = (some_see ? "workers, rank0 for " : "rank0 for ") + nodes + " (auto: " + why + ")";
      plan.notice = "--read auto: " + nodes + " " + why + "; rank 0 reads their photos and sends them";
    }
  }
  int verdict[2] = {refuse, all_read};
  MPI_Bcast(verdict, 2, MPI_INT, 0, world);
  plan.refused = verdict[0] != 0;
  plan.all_read = verdict[1] != 0;
  return plan;
}

}  // namespace photoscore::mpi
