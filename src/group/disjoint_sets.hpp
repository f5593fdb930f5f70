#pragma once
// Union-find over positions 0..n-1 (union by size, path halving): which
// photos ended up in one group, whatever order the links were found in.
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace photoscore {

class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), std::uint32_t{0});
  }

  std::uint32_t find(std::uint32_t i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }

  // Joins the sets of a and b; returns the root of the joined set.
  std::uint32_t join(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return a;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return a;
  }

  std::uint32_t size_of(std::uint32_t i) { return size_[find(i)]; }

 private:
  std::vector<std::uint32_t> parent_;
  std::vector<std::uint32_t> size_;
};

}  // namespace photoscore
