#pragma once
// The HDF5 record tables' chunks, assembled away from the rank that writes
// the file. Under MPI the rank that formats a block of rows sends its
// /scores and /timing/images records straight to the rank that owns their
// chunk (chunk c belongs to owner c % owners), which gathers them, filters
// each chunk once it is whole (chunk_filter.hpp) and sends it to be written
// as it is. The writing rank then handles a few compressed bytes a row, not
// the records: they never pass it (docs/scaling.md, "Rank 0").
//
// A chunk is whole when all its rows have come, whoever sent them; at the
// end the writer says how many rows the tables hold, and the last chunk is
// filtered short, zeros past the end, as a writer that filled it itself
// would store it. Rows past that end (photos scored after a run was cut
// short, RowBlock::stopped) are not part of the tables. No MPI here.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace photoscore {

// Rows a chunk of the record tables holds.
inline constexpr std::uint64_t kRowsPerChunk = 1024;

// Some rows of one chunk, as they travel: u64 first row, u64 rows, u32
// /scores record size, u32 /timing/images record size, the /scores records,
// the /timing/images records.
struct ChunkPiece {
  std::uint64_t chunk = 0;
  std::string bytes;
};

// Cuts records sealed by the HDF5 formatter (one or more pieces of [u64
// rows][their /scores records][their /timing/images records]), rows
// `first_row` on, into one piece per chunk they touch. Throws
// std::logic_error when the bytes are not records of these sizes.
std::vector<ChunkPiece> split_by_chunk(std::string_view sealed, std::uint64_t first_row,
                                       std::uint32_t scores_size, std::uint32_t images_size);

// A filtered chunk: key is the table (0 /scores, 1 /timing/images) in bit
// 48 and the chunk below, as the HDF5 sink writes it.
struct FilteredChunk {
  std::uint64_t key = 0;
  std::string bytes;
};

class ChunkAssembler {
 public:
  // Assembles the chunks of owner `owner` (0-based) of `owners`, from chunk
  // `first_chunk` on (those before it the writer filled itself).
  ChunkAssembler(int owner, int owners, std::uint64_t first_chunk);

  // A piece as it travelled; the chunks it completes go to `out`. Throws
  // std::runtime_error on bytes that are not a piece of this owner's.
  void add(std::string_view piece, std::vector<FilteredChunk>& out);
  // The tables end at row `rows`: every chunk of this owner's below it
  // whose rows below it have all come is filtered into `out`, once. True
  // when none is left to come; call again as more pieces arrive.
  bool finish(std::uint64_t rows, std::vector<FilteredChunk>& out);

  bool owns(std::uint64_t chunk) const {
    return chunk >= first_chunk_ &&
           chunk % static_cast<std::uint64_t>(owners_) == static_cast<std::uint64_t>(owner_);
  }

 private:
  struct Chunk {
    std::string scores;
    std::string images;
    std::vector<bool> arrived;  // per row of the chunk
    std::uint64_t count = 0;    // rows arrived
  };
  void filter(std::uint64_t index, Chunk& chunk, std::uint64_t rows, std::vector<FilteredChunk>& out);

  int owner_;
  int owners_;
  std::uint64_t first_chunk_;
  std::uint32_t scores_size_ = 0;
  std::uint32_t images_size_ = 0;
  std::map<std::uint64_t, Chunk> open_;  // by chunk: rows arrived, not filtered yet
  std::set<std::uint64_t> done_;         // chunks filtered
  std::uint64_t end_ = UINT64_MAX;       // the tables' rows, once finish() said
};

}  // namespace photoscore
