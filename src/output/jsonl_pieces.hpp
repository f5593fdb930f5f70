#pragma once
// The JSONL's section of a block of rows, and the rows that other processes
// write into the JSONL themselves.
//
// A section is one or more pieces, each a block of rows as the rank that
// formatted them sealed it (JsonlFormatter::seal):
//
//   [u64 line bytes][u64 record bytes][digest][lines][records]
//
// Under MPI the rank that formatted a block may write its lines into the
// JSONL itself, and its records into NAME.meta, when it sees the very files
// the writing rank opened (JsonlLaneWriter). It then sends the writing rank
// the piece's stub instead:
//
//   [u64 line bytes | kStubBit][u64 record bytes][digest][u64 rows][u64 owner][u64 key]
//
// and the writing rank, when the block's turn comes in file order, gives
// it the block's place in both files and its seal (a JsonlGrant: the chain
// of seals follows file order, so only the writing rank can make it), and
// never touches the lines: a row's bytes need not pass through the one
// process that writes the file. The owner writes the lines, then the
// records and the seal, and says so.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace photoscore {

inline constexpr std::uint64_t kStubBit = std::uint64_t{1} << 63;

struct JsonlPiece {
  std::uint64_t line_bytes = 0;
  std::uint64_t record_bytes = 0;
  std::string_view digest;   // of the records (ledger_block_digest)
  std::string_view lines;    // empty in a stub
  std::string_view records;  // empty in a stub
  bool stub = false;
  std::uint64_t rows = 0;   // a stub's rows (a full piece's: its lines' newlines)
  std::uint64_t owner = 0;  // a stub's: who holds its lines (a rank)
  std::uint64_t key = 0;    // a stub's: which of the owner's pieces
};

// The pieces of `section`, in place. Throws std::runtime_error ("malformed
// JSONL rows") when it is not pieces end to end.
std::vector<JsonlPiece> read_jsonl_pieces(std::string_view section);
void put_jsonl_piece(std::string& out, const JsonlPiece& piece);
void put_jsonl_stub(std::string& out, const JsonlPiece& piece, std::uint64_t rows, std::uint64_t owner,
                    std::uint64_t key);
// The newlines in `text` (memchr: one a row, so this runs for every row).
std::uint64_t count_newlines(std::string_view text);

inline constexpr std::uint64_t kNoRecords = ~std::uint64_t{0};

// Where a stub's lines and records go.
struct JsonlGrant {
  std::uint64_t owner = 0;
  std::uint64_t key = 0;
  std::uint64_t line_at = 0;             // in the JSONL
  std::uint64_t record_at = kNoRecords;  // in NAME.meta; kNoRecords: not written (no .meta)
  std::string seal;                      // the seal line written after the records
};

// The files a writing rank opened, for the other ranks to find: each path
// and its identity (photo_identity of the open file: size, times, inode),
// which they must see the same before they write a byte there. Empty paths:
// nobody else writes.
struct JsonlTarget {
  std::string path;
  std::string identity;
  std::string meta_path;  // empty: no NAME.meta
  std::string meta_identity;
};

}  // namespace photoscore
