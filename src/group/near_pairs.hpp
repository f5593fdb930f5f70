#pragma once
// Every pair of 64-bit hashes within a Hamming distance, without comparing
// every pair: multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in
// Hamming space with multi-index hashing", CVPR 2012). The 64 bits are cut
// into m blocks; two hashes at most k bits apart differ in at most
// floor(k / m) bits of at least one block (else the blocks' differences would
// add up to more than k), so each hash only meets, block by block, the
// hashes whose block is within floor(k / m) bits of its own, looked up in a
// table indexed by the block's value. m is chosen for the input's size and k
// from a cost estimate (probes times expected bucket size, plus the tables).
// The hashes are sorted by each block in turn and compared bucket against
// bucket, so memory is read in runs, not at random.
#include <cstdint>
#include <functional>
#include <span>

namespace photoscore {

// Calls found(i, j) exactly once for every pair of positions i < j of
// `hashes` with hash_distance(hashes[i], hashes[j]) <= max_distance
// (0 to 64), in no promised order. Memory: 20 bytes a hash and a table of
// at most 2^22 + 1 entries of 4 bytes, whatever max_distance.
void for_each_near_pair(std::span<const std::uint64_t> hashes, int max_distance,
                        const std::function<void(std::uint32_t, std::uint32_t)>& found);

// How many blocks for_each_near_pair cuts the 64 bits into for `count`
// hashes and `max_distance` (its cost estimate's choice; tests and the
// benchmark print it).
int near_pair_blocks(std::size_t count, int max_distance);

}  // namespace photoscore
