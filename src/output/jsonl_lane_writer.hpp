#pragma once
// A rank that formats rows, writing their JSONL lines and NAME.meta records
// itself where the writing rank assigns them (output/jsonl_pieces.hpp), so
// that the rows' bytes never pass through the writing rank. It writes only
// into the very files the writing rank opened: it opens them without
// creating or cutting anything (no O_CREAT, no O_TRUNC, no link followed)
// and gives up unless each is the file the writing rank described (size,
// modification and change time, inode). A node that sees another file at
// that path (its own /tmp), or none, leaves its rows to the writing rank.
#include <cstdint>
#include <map>
#include <string>

#include "output/jsonl_pieces.hpp"

namespace photoscore {

class JsonlLaneWriter {
 public:
  // An unusable writer (nobody else writes: JsonlTarget's paths empty).
  JsonlLaneWriter() = default;
  explicit JsonlLaneWriter(const JsonlTarget& target);
  ~JsonlLaneWriter();
  JsonlLaneWriter(const JsonlLaneWriter&) = delete;
  JsonlLaneWriter& operator=(const JsonlLaneWriter&) = delete;

  bool usable() const { return fd_ >= 0; }
  // Why not, for the writing rank's one line ("cannot open ...: ...",
  // "another file"); empty when usable or when nothing was offered.
  const std::string& why_not() const { return why_not_; }

  // Every full piece of `section` that holds rows is kept here and replaced
  // by its stub, owned by `owner` under a key of its own.
  void stub(std::string& section, std::uint64_t owner);
  // The kept piece `grant.key`: its lines and records written where the
  // grant says, then forgotten. Throws std::runtime_error ("cannot write
  // PATH: reason") when a write fails, or on a key it does not hold.
  void write(const JsonlGrant& grant);
  std::size_t pending() const { return kept_.size(); }
  // The kept pieces that will never be granted (a stopped run ended
  // before their rows): dropped.
  void drop_pending() { kept_.clear(); }

 private:
  struct Kept {
    std::string lines;
    std::string records;
  };
  std::string path_;
  std::string meta_path_;
  int fd_ = -1;
  int meta_fd_ = -1;
  std::string why_not_;
  std::map<std::uint64_t, Kept> kept_;
  std::uint64_t next_key_ = 0;
};

}  // namespace photoscore
