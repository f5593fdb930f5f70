#pragma once
// NAME.meta, beside the JSONL: what --resume needs to prove that a row it
// keeps is this photoscore's own, for that photo, with these options. It is
// written as the JSONL is (append only, a record per row, a seal per block
// of rows, after the rows), so it is current whatever stops the run, and
// checking it costs one pass over the kept rows:
//
//   photoscore meta 4
//   options profile=seed analyzers=sharpness,exposure,composition ...
//   row LENGTH PHOTO ROW_DIGEST
//   ...
//   seal CHAIN
//   ...
//
// LENGTH: the row's bytes in the JSONL (newline included); the rows follow
// one another from the file's start. PHOTO: the photo as it was when it was
// read, SIZE:MTIME_NS:CTIME_NS:INODE (no device number: it differs between
// the nodes of a cluster mounting the same file system), "none" when it
// could not be looked at, "unstable" when it changed while the run was going
// (never kept). ROW_DIGEST: SHA-256 of the row's bytes. A record is made
// where its row is, on the rank that read and scored the photo: the rank
// that writes only seals. CHAIN, after each block of records: SHA-256 of the
// previous seal's CHAIN (for the first one, of the two header lines) and of
// the digest of the block's record lines (made where the block was, so the
// rank that writes hashes a few bytes a block, not every record), so neither
// a record nor the options line can be edited alone; records after the last seal (a kill between the two) are
// not trusted, and their rows are scored again. Digests are cut to 128 bits
// (32 hex digits): they catch edits and foreign files, not a forger who
// recomputes them (one who can write the outputs could as well write the
// results).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace photoscore {

// PATH.meta.
std::string jsonl_meta_path(const std::string& jsonl_path);

// SIZE:MTIME_NS:CTIME_NS:INODE of the file at `path` (following links, as
// the decoders do), or "none".
std::string photo_identity(const std::string& path);
// The same from a stat's fields.
std::string photo_identity(std::uint64_t size, std::int64_t mtime_ns, std::int64_t ctime_ns, std::uint64_t inode);
// The same for an open file (fstat); "none" when it cannot be looked at.
std::string open_file_identity(int fd);
// Whether a PHOTO of photo_identity()'s form was changed at or after
// `since_ns` (its change time, on the realtime clock).
bool photo_changed_since(std::string_view photo, std::int64_t since_ns);

struct LedgerRecord {
  std::uint64_t end = 0;  // the JSONL's size once this row is in it
  std::string photo;
  std::string row_digest;
};

// The records of one block and the seal after them.
struct LedgerSeal {
  std::size_t first = 0;  // its first record's index
  std::size_t count = 0;
  std::string text;       // its record lines, as written
  std::string chain;
};

struct Ledger {
  std::string options;
  std::string chain_start;  // the CHAIN before the first seal
  std::vector<LedgerRecord> records;  // sealed ones only
  std::vector<LedgerSeal> seals;
};

// The ledger of `text` (a NAME.meta's content). A last line without its
// newline (cut by a kill), records after the last seal and everything from
// a zero byte on (the gap a kill left before blocks still being written)
// are left out.
// Throws std::invalid_argument with the reason for a file that is not one
// ("written by an older photoscore", "line 3 is not a record").
Ledger parse_ledger(std::string_view text);

// True when `text` is a NAME.meta photoscore wrote (this format, or the
// options line of the formats before it): a file that is not must not be
// replaced without --force.
bool is_photoscore_meta(std::string_view text);

std::string ledger_row_digest(std::string_view row);
// "row LENGTH PHOTO ROW_DIGEST\n".
std::string ledger_record(std::uint64_t length, std::string_view photo, std::string_view row_digest);
std::string ledger_chain_start(std::string_view options);
// The digest of a block's record lines (kLedgerDigits hex digits).
std::string ledger_block_digest(std::string_view records);
inline constexpr std::size_t kLedgerDigits = 32;
// The seal after a block whose records have `block_digest` and follow `previous`.
std::string ledger_seal_digest(std::string_view previous, std::string_view block_digest);
// The same from the record lines themselves.
std::string ledger_seal(std::string_view previous, std::string_view records);

// The writing side, driven by the JSONL sink. A block's records and its
// seal have their place in the file from the moment the block's turn comes
// (reserve(), in file order: the chain follows that order), and whichever
// process wrote the block's rows writes its records and seal there, in one
// write, after the rows: in any order. A record never describes a row the
// JSONL does not hold, and blocks not yet written are gaps of zero bytes,
// where parse_ledger() stops: a seal after a gap (a later block that landed
// first, then a kill) is never trusted.
class LedgerWriter {
 public:
  LedgerWriter() = default;
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // Makes `meta_path` anew (a temporary file renamed over it, so a reader
  // sees the old file or the new one): the header and, with `keep`
  // (--resume), the records of the existing file that end within the first
  // `keep` bytes of the JSONL, which were checked, sealed again as one
  // block. Call before the JSONL is cut or written. Throws
  // std::runtime_error.
  void open(const std::string& meta_path, const std::string& options, std::optional<std::uint64_t> keep);
  bool is_open() const { return fd_ >= 0; }
  // The place of the next block: `record_bytes` of record lines whose
  // digest is `digest` (ledger_block_digest), then its seal line.
  struct Place {
    std::uint64_t at = 0;  // where its records go; the seal follows them
    std::string seal;      // "seal CHAIN\n"
  };
  Place reserve(std::uint64_t record_bytes, std::string_view digest);
  // A block's records and seal, at the place reserve() gave it. Throws
  // std::runtime_error.
  void write(const Place& place, std::string_view records);
  const std::string& path() const { return path_; }
  // open_file_identity() of the open file.
  std::string identity() const { return open_file_identity(fd_); }
  void close();

 private:
  std::string path_;
  int fd_ = -1;
  std::string chain_;
  std::uint64_t end_ = 0;  // the file's size once every reserved block is down
};

// A block's records and its seal line at `at` of `fd`, in one pwritev: the
// rank that wrote the block's rows writes them (LedgerWriter::reserve gave
// the place and the seal). False with errno set when the write fails.
bool write_ledger_block(int fd, std::uint64_t at, std::string_view records, std::string_view seal);

}  // namespace photoscore
