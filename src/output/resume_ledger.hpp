#pragma once
// NAME.meta, beside the JSONL: what --resume needs to prove that a row it
// keeps is this photoscore's own, for that photo, with these options. It is
// written as the JSONL is (append only, a record per row, after the row),
// so it is current whatever stops the run, and checking it costs one pass
// over the kept rows:
//
//   photoscore meta 2
//   options profile=seed analyzers=sharpness,exposure,composition ...
//   row END PHOTO ROW_DIGEST CHAIN
//   ...
//
// END: the JSONL's size once the row is written. PHOTO: the photo as it was
// when its row was written, SIZE:MTIME_NS:CTIME_NS:INODE (no device number:
// it differs between the nodes of a cluster mounting the same file system),
// "none" when it could not be looked at, "unstable" when it changed while
// the run was going (never kept). ROW_DIGEST: SHA-256 of the row's bytes
// (newline included). CHAIN: SHA-256 of the previous record's CHAIN (for
// the first one, of the two header lines) and this record's other fields,
// so neither a record nor the options line can be edited alone. Digests are
// cut to 128 bits (32 hex digits): they catch edits and foreign files, not
// a forger who recomputes them (one who can write the outputs could as well
// write the results).
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

struct LedgerRecord {
  std::uint64_t end = 0;
  std::string photo;
  std::string row_digest;
  std::string chain;
};

struct Ledger {
  std::string options;
  std::string chain_start;  // the CHAIN before the first record
  std::vector<LedgerRecord> records;
};

// The ledger of `text` (a NAME.meta's content). A last line without its
// newline (cut by a kill) is left out. Throws std::invalid_argument with the
// reason for a file that is not one ("written by an older photoscore", "line
// 3 is not a record").
Ledger parse_ledger(std::string_view text);

// True when `text` is a NAME.meta photoscore wrote (this format, or the
// options line of the format before it): a file that is not must not be
// replaced without --force.
bool is_photoscore_meta(std::string_view text);

std::string ledger_row_digest(std::string_view row);
std::string ledger_chain_start(std::string_view options);
std::string ledger_chain(std::string_view previous, std::uint64_t end, std::string_view photo,
                         std::string_view row_digest);

// The writing side, driven by the JSONL sink: add() a record for each row
// once its bytes are in the JSONL (in file order), flush() once those writes
// are done (one write() for all the records added since).
class LedgerWriter {
 public:
  LedgerWriter() = default;
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // Makes `meta_path` anew (a temporary file renamed over it, so a reader
  // sees the old file or the new one): the header and, with `keep`
  // (--resume), the records of the existing file that end within the first
  // `keep` bytes of the JSONL, which were checked. Then appends. Call before
  // the JSONL is cut or written. Throws std::runtime_error.
  void open(const std::string& meta_path, const std::string& options, std::optional<std::uint64_t> keep);
  bool is_open() const { return fd_ >= 0; }
  void add(std::string_view row, const std::string& photo_path);
  void flush();
  void close();

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t end_ = 0;  // JSONL bytes covered by the records so far
  std::string chain_;
  std::string pending_;
  std::int64_t opened_ns_ = 0;  // a photo changed after this was changed during the run
};

}  // namespace photoscore
