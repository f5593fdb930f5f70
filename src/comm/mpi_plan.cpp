#include "comm/mpi_plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace photoscore {

namespace {

PlanGroup roles_group(const std::vector<int>& ranks, std::size_t analyzer_count) {
  PlanGroup group;
  const auto count = static_cast<int>(analyzer_count);
  const auto size = static_cast<int>(ranks.size());
  group.ranks = ranks;
  if (size <= count) {
    const int base = count / size;
    const int extra = count % size;
    std::size_t next = 0;
    for (int i = 0; i < size; ++i) {
      PlanRole role;
      for (int k = 0; k < base + (i < extra ? 1 : 0); ++k) role.analyzers.push_back(next++);
      role.ranks = {ranks[static_cast<std::size_t>(i)]};
      group.roles.push_back(std::move(role));
    }
    return group;
  }
  for (std::size_t a = 0; a < analyzer_count; ++a) group.roles.push_back({{a}, {}});
  for (int i = 0; i < size; ++i)
    group.roles[static_cast<std::size_t>(i % count)].ranks.push_back(ranks[static_cast<std::size_t>(i)]);
  return group;
}

void add_farm_groups(std::vector<PlanGroup>& groups, const std::vector<int>& ranks, std::size_t analyzers) {
  std::vector<std::size_t> all(analyzers);
  for (std::size_t a = 0; a < all.size(); ++a) all[a] = a;
  for (int r : ranks) groups.push_back({{r}, {{all, {r}}}, 0});
}

void add_roles_groups(std::vector<PlanGroup>& groups, const std::vector<int>& ranks, std::size_t analyzers) {
  const auto count = static_cast<int>(analyzers);
  const auto workers = static_cast<int>(ranks.size());
  const int made = std::max(1, workers / count);
  const int spare = workers > count ? workers % count : 0;
  std::size_t next = 0;
  for (int g = 0; g < made; ++g) {
    const int size = workers <= count ? workers : count + spare / made + (g < spare % made ? 1 : 0);
    const auto from = ranks.begin() + static_cast<std::ptrdiff_t>(next);
    groups.push_back(roles_group(std::vector<int>(from, from + size), analyzers));
    next += static_cast<std::size_t>(size);
  }
}

const LayoutKind kRoles{Layout::Roles, add_roles_groups, true, 2};
const LayoutKind kFarm{Layout::Farm, add_farm_groups, false, 0};

// The groups of `ranks` (ascending), dealt by `dealer`.
void add_groups(MpiPlan& plan, const std::vector<int>& ranks, int dealer) {
  const std::size_t first = plan.groups.size();
  plan.kind->add_groups(plan.groups, ranks, plan.analyzer_count);
  for (std::size_t g = first; g < plan.groups.size(); ++g) plan.groups[g].dealer = dealer;
}

std::string join_names(const std::vector<std::size_t>& indices,
                       const std::vector<const AnalyzerSpec*>& analyzers, const char* sep) {
  std::string text;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (i) text += sep;
    text += indices[i] < analyzers.size() ? analyzers[indices[i]]->name
                                          : "analyzer " + std::to_string(indices[i]);
  }
  return text;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

const LayoutKind& layout_kind(Layout layout) {
  switch (layout) {
    case Layout::Roles:
      return kRoles;
    case Layout::Farm:
      return kFarm;
    case Layout::Threads:
      break;
  }
  throw std::invalid_argument("MPI runs in the roles or the farm layout, not '" +
                              std::string(to_string(layout)) + "'");
}

MpiPlan make_mpi_plan(Layout layout, int world, std::size_t analyzer_count, const std::vector<int>& nodes,
                      bool leaders) {
  if (world < 2) throw std::invalid_argument("MPI mode needs at least 2 ranks, got " + std::to_string(world));
  if (analyzer_count == 0) throw std::invalid_argument("MPI mode needs at least one analyzer");
  MpiPlan plan;
  plan.kind = &layout_kind(layout);
  plan.layout = layout;
  plan.world = world;
  plan.analyzer_count = analyzer_count;
  plan.ranks.resize(static_cast<std::size_t>(world));
  if (!leaders) {
    std::vector<int> ranks;
    for (int r = 1; r < world; ++r) ranks.push_back(r);
    add_groups(plan, ranks, 0);
  } else {
    if (nodes.size() != static_cast<std::size_t>(world))
      throw std::invalid_argument("leaders need every rank's node");
    // Nodes in the order of their first rank; rank 0 is no node's worker.
    std::vector<int> order;
    for (int r = 1; r < world; ++r) {
      if (std::find(order.begin(), order.end(), nodes[static_cast<std::size_t>(r)]) == order.end())
        order.push_back(nodes[static_cast<std::size_t>(r)]);
    }
    for (int node : order) {
      std::vector<int> ranks;
      for (int r = 1; r < world; ++r)
        if (nodes[static_cast<std::size_t>(r)] == node) ranks.push_back(r);
      if (ranks.size() < 2)
        throw std::invalid_argument("--leaders needs at least 2 ranks on every node besides rank 0 (a leader and a "
                                    "rank to score); rank " + std::to_string(ranks.front()) + "'s node has 1");
      const int leader = ranks.front();
      plan.leaders.push_back(leader);
      plan.ranks[static_cast<std::size_t>(leader)].leader = true;
      add_groups(plan, std::vector<int>(ranks.begin() + 1, ranks.end()), leader);
    }
  }
  for (std::size_t l = 0; l < plan.groups.size(); ++l) {
    const PlanGroup& group = plan.groups[l];
    for (std::size_t r = 0; r < group.roles.size(); ++r) {
      const PlanRole& role = group.roles[r];
      for (std::size_t t = 0; t < role.ranks.size(); ++t) {
        PlanRank& rank = plan.ranks[static_cast<std::size_t>(role.ranks[t])];
        rank.group = static_cast<int>(l);
        rank.role = static_cast<int>(r);
        rank.turn = static_cast<int>(t);
        rank.turns = static_cast<int>(role.ranks.size());
        rank.analyzers = role.analyzers;
      }
    }
  }
  return plan;
}

std::vector<PlanLane> plan_lanes(const MpiPlan& plan, int dealer) {
  std::vector<PlanLane> lanes;
  if (dealer == 0 && !plan.leaders.empty()) {
    for (int leader : plan.leaders) {
      PlanLane lane{leader, -1, 0};
      for (const PlanGroup& g : plan.groups) lane.members += g.dealer == leader ? g.ranks.size() : 0;
      lanes.push_back(lane);
    }
    return lanes;
  }
  for (std::size_t g = 0; g < plan.groups.size(); ++g) {
    if (plan.groups[g].dealer == dealer)
      lanes.push_back({plan.groups[g].ranks.front(), static_cast<int>(g), plan.groups[g].ranks.size()});
  }
  return lanes;
}

std::vector<int> group_responders(const PlanGroup& group, std::int64_t seq) {
  std::vector<int> ranks;
  for (const PlanRole& role : group.roles) {
    const auto turns = static_cast<std::int64_t>(role.ranks.size());
    ranks.push_back(role.ranks[static_cast<std::size_t>(seq % turns)]);
  }
  std::sort(ranks.begin(), ranks.end());
  return ranks;
}

bool rank_responds(const PlanRank& rank, std::int64_t seq) {
  return rank.group >= 0 && seq % rank.turns == rank.turn;
}

int pixel_piece_rows(int width) {
  constexpr std::int64_t kPieceBytes = 2048 * 1024;
  const std::int64_t row = 3 * static_cast<std::int64_t>(std::max(width, 1));
  return static_cast<int>(std::clamp<std::int64_t>(kPieceBytes / row, 1, 1 << 20));
}

std::string rank_role_name(const MpiPlan& plan, int rank, const std::vector<const AnalyzerSpec*>& analyzers) {
  if (rank == 0) return "source+merger";  // the name readers of older files know; it writes the rows
  if (plan.ranks.at(static_cast<std::size_t>(rank)).leader) return "leader";
  if (plan.layout == Layout::Farm) return "worker";
  const PlanRank& r = plan.ranks.at(static_cast<std::size_t>(rank));
  std::string name = "analyzer[" + join_names(r.analyzers, analyzers, ",") + "]";
  if (r.turns > 1) {
    name += ' ';
    name += std::to_string(r.turn + 1);
    name += '/';
    name += std::to_string(r.turns);
  }
  return name;
}

std::string plan_summary(const MpiPlan& plan, int threads) {
  std::string text =
      "mpi " + std::string(to_string(plan.layout)) + ": " + plural(static_cast<std::size_t>(plan.world), "rank", "ranks") + ", ";
  if (plan.layout == Layout::Farm) {
    text += plural(plan.groups.size(), "worker", "workers") + " x " +
            plural(plan.analyzer_count, "analyzer", "analyzers");
  } else {
    std::size_t smallest = plan.groups.front().ranks.size();
    std::size_t largest = smallest;
    for (const PlanGroup& group : plan.groups) {
      smallest = std::min(smallest, group.ranks.size());
      largest = std::max(largest, group.ranks.size());
    }
    text += plural(plan.groups.size(), "group", "groups");
    if (smallest == largest) {
      text += " x " + plural(largest, "analyzer rank", "analyzer ranks");
    } else {
      text += " (";
      for (std::size_t l = 0; l < plan.groups.size(); ++l) {
        if (l) text += '+';
        text += std::to_string(plan.groups[l].ranks.size());
      }
      text += " analyzer ranks)";
    }
  }
  if (!plan.leaders.empty()) text += ", " + plural(plan.leaders.size(), "leader", "leaders");
  return text + ", " + plural(static_cast<std::size_t>(threads), "thread", "threads") + " each";
}

std::vector<std::string> plan_lines(const MpiPlan& plan, const std::vector<const AnalyzerSpec*>& analyzers,
                                    const std::vector<std::string>& hosts, int threads) {
  std::vector<std::size_t> all(plan.analyzer_count);
  for (std::size_t a = 0; a < all.size(); ++a) all[a] = a;
  std::vector<std::string> lines;
  lines.push_back("photoscore mpi plan: world size " + std::to_string(plan.world) + ", layout " +
                  std::string(to_string(plan.layout)) + ", " + plural(plan.analyzer_count, "analyzer", "analyzers") + " (" +
                  join_names(all, analyzers, ", ") + "), " +
                  plural(static_cast<std::size_t>(threads), "OpenMP thread", "OpenMP threads") + " per rank");
  for (int r = 0; r < plan.world; ++r) {
    const auto index = static_cast<std::size_t>(r);
    std::string line =
        "rank " + std::to_string(r) + " (" + (index < hosts.size() ? hosts[index] : "?") + "): ";
    const PlanRank& rank = plan.ranks[index];
    if (r == 0) {
      line += plan.leaders.empty()
                  ? "source + merger (deals photos in batches, puts the rows in file order)"
                  : "source + merger (deals photos to the leaders, puts the rows in file order)";
    } else if (rank.leader) {
      std::size_t ranks = 0;
      for (const PlanGroup& g : plan.groups) ranks += g.dealer == r ? g.ranks.size() : 0;
      line += "leader: deals and gathers for its node's " + plural(ranks, "rank", "ranks");
    } else if (plan.layout == Layout::Farm) {
      line += "worker: whole photos, all analyzers";
    } else {
      line += "group " + std::to_string(rank.group + 1) + ": " + join_names(rank.analyzers, analyzers, ", ");
      if (rank.turns > 1) {
        line += " (shared by " + std::to_string(rank.turns) + " ranks: takes photos " +
                std::to_string(rank.turn + 1) + ", " + std::to_string(rank.turn + 1 + rank.turns) +
                ", ... of the group)";
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace photoscore
