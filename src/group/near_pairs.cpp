#include "group/near_pairs.hpp"

#include <algorithm>
#include <bit>
#include <vector>

namespace photoscore {

namespace {

// Widest block: its table has 2^kMaxBlockBits + 1 entries of 4 bytes (16 MB).
constexpr int kMaxBlockBits = 22;

// How many values lie within `radius` bits of one value of `bits` bits.
double ball_size(int bits, int radius) {
  double total = 0;
  double choose = 1;  // C(bits, i)
  for (int i = 0; i <= std::min(radius, bits); ++i) {
    total += choose;
    choose = choose * (bits - i) / (i + 1);
  }
  return total;
}

// Every `bits`-bit mask with at most `radius` bits set, 0 first.
std::vector<std::uint32_t> masks_within(int bits, int radius) {
  std::vector<std::uint32_t> masks;
  const std::uint32_t values = std::uint32_t{1} << bits;
  if (ball_size(bits, radius) * 2 > values) {
    for (std::uint32_t m = 0; m < values; ++m) {
      if (std::popcount(m) <= radius) masks.push_back(m);
    }
    return masks;
  }
  // Grow by one bit at a time, each new bit above the highest already set,
  // so that every mask is made once.
  masks.push_back(0);
  std::size_t from = 0;
  for (int ones = 1; ones <= radius; ++ones) {
    const std::size_t to = masks.size();
    for (std::size_t i = from; i < to; ++i) {
      const std::uint32_t m = masks[i];
      const int lowest_free = m == 0 ? 0 : 32 - std::countl_zero(m);
      for (int bit = lowest_free; bit < bits; ++bit) masks.push_back(m | (std::uint32_t{1} << bit));
    }
    from = to;
  }
  return masks;
}

}  // namespace

int near_pair_blocks(std::size_t count, int max_distance) {
  const double n = static_cast<double>(count);
  int best = 0;
  double best_cost = 0;
  for (int m = (64 + kMaxBlockBits - 1) / kMaxBlockBits; m <= 64; ++m) {
    const int bits = (64 + m - 1) / m;  // the widest block
    const double table = static_cast<double>(std::uint64_t{1} << bits);
    const double probes = ball_size(bits, max_distance / m);
    // Per block: build the table, then per bucket in use its probes, and
    // the pairs of hashes the probes bring together (uniform hashes:
    // n / table a bucket).
    const double cost = m * (table + n + std::min(n, table) * probes + probes * n * (n / table) / 2);
    if (best == 0 || cost < best_cost) {
      best = m;
      best_cost = cost;
    }
  }
  return best;
}

void for_each_near_pair(std::span<const std::uint64_t> hashes, int max_distance,
                        const std::function<void(std::uint32_t, std::uint32_t)>& found) {
  const std::size_t n = hashes.size();
  if (n < 2 || max_distance < 0) return;
  const int m = near_pair_blocks(n, max_distance);
  const int radius = max_distance / m;
  // Block b: `widths[b]` bits from bit `shifts[b]`; the first 64 % m blocks
  // are a bit wider.
  std::vector<int> widths(m, 64 / m);
  std::vector<int> shifts(m, 0);
  std::vector<std::uint64_t> in_block(m);
  for (int b = 0; b < m; ++b) {
    if (b < 64 % m) ++widths[b];
    if (b > 0) shifts[b] = shifts[b - 1] + widths[b - 1];
    in_block[b] = (widths[b] == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << widths[b]) - 1)) << shifts[b];
  }
  std::vector<std::uint32_t> keys(n);
  std::vector<std::uint32_t> position(n);  // positions, by block value
  std::vector<std::uint64_t> sorted(n);    // their hashes, side by side
  std::vector<std::uint32_t> used;         // the block values that occur, ascending
  std::vector<std::uint32_t> ends;
  std::vector<std::uint32_t> masks;
  int masks_width = -1;
  for (int b = 0; b < m; ++b) {
    const std::uint32_t values = std::uint32_t{1} << widths[b];
    if (widths[b] != masks_width) {
      masks = masks_within(widths[b], radius);
      masks_width = widths[b];
    }
    // Counting sort of the positions by this block's value: bucket v is
    // [start(v), ends[v]) of `position` and `sorted`, positions ascending.
    ends.assign(static_cast<std::size_t>(values) + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      keys[i] = static_cast<std::uint32_t>((hashes[i] & in_block[b]) >> shifts[b]);
      ++ends[keys[i] + 1];
    }
    used.clear();
    for (std::uint32_t v = 1; v <= values; ++v) {
      if (ends[v] > 0) used.push_back(v - 1);
      ends[v] += ends[v - 1];
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t at = ends[keys[i]]++;
      position[at] = static_cast<std::uint32_t>(i);
      sorted[at] = hashes[i];
    }
    const auto start = [&](std::uint32_t v) { return v == 0 ? 0u : ends[v - 1]; };
    const auto check = [&](std::uint32_t x, std::uint32_t y) {
      const std::uint64_t diff = sorted[x] ^ sorted[y];
      if (std::popcount(diff) > max_distance) return;
      // Each pair once: in the first block where it is within the radius.
      for (int e = 0; e < b; ++e) {
        if (std::popcount(diff & in_block[e]) <= radius) return;
      }
      found(std::min(position[x], position[y]), std::max(position[x], position[y]));
    };
    // Bucket against bucket, one mask at a time and the buckets in
    // ascending order, so that the table and the hashes are read in long
    // runs rather than at random. Each pair of buckets once: within a bucket
    // for mask 0, else from the lower bucket of the two.
    for (const std::uint32_t mask : masks) {
      for (const std::uint32_t a : used) {
        const std::uint32_t other = a ^ mask;
        if (mask != 0 && other < a) continue;
        const std::uint32_t a_end = ends[a];
        if (mask == 0) {
          for (std::uint32_t x = start(a); x < a_end; ++x) {
            for (std::uint32_t y = x + 1; y < a_end; ++y) check(x, y);
          }
          continue;
        }
        const std::uint32_t o_first = start(other), o_end = ends[other];
        if (o_first == o_end) continue;
        for (std::uint32_t x = start(a); x < a_end; ++x) {
          for (std::uint32_t y = o_first; y < o_end; ++y) check(x, y);
        }
      }
    }
  }
}

}  // namespace photoscore
