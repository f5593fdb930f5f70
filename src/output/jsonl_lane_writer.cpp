#include "output/jsonl_lane_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "output/resume_ledger.hpp"
#include "output/writev_all.hpp"

namespace photoscore {

namespace {

// `path` opened to write into it as it is, if it is the file `identity`
// describes; else -1 and the reason.
int open_same(const std::string& path, const std::string& identity, std::string& why_not) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    why_not = "cannot open " + path + ": " + std::strerror(errno);
    return -1;
  }
  if (open_file_identity(fd) != identity) {
    ::close(fd);
    why_not = path + " is another file there";
    return -1;
  }
  return fd;
}

}  // namespace

JsonlLaneWriter::JsonlLaneWriter(const JsonlTarget& target)
    : path_(target.path), meta_path_(target.meta_path) {
  if (target.path.empty()) return;
  const int fd = open_same(target.path, target.identity, why_not_);
  if (fd < 0) return;
  if (!target.meta_path.empty()) {
    meta_fd_ = open_same(target.meta_path, target.meta_identity, why_not_);
    if (meta_fd_ < 0) {
      ::close(fd);
      return;
    }
  }
  fd_ = fd;
}

JsonlLaneWriter::~JsonlLaneWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (meta_fd_ >= 0) ::close(meta_fd_);
}

void JsonlLaneWriter::stub(std::string& section, std::uint64_t owner) {
  if (!usable()) throw std::logic_error("JsonlLaneWriter::stub on a writer that cannot write");
  std::string out;
  for (const JsonlPiece& piece : read_jsonl_pieces(section)) {
    if (piece.stub || piece.lines.empty()) {
      // Not ours to write, or nothing to write.
      if (piece.stub) put_jsonl_stub(out, piece, piece.rows, piece.owner, piece.key);
      continue;
    }
    const std::uint64_t key = next_key_++;
    put_jsonl_stub(out, piece, count_newlines(piece.lines), owner, key);
    kept_.emplace(key, Kept{std::string(piece.lines), std::string(piece.records)});
  }
  section = std::move(out);
}

void JsonlLaneWriter::write(const JsonlGrant& grant) {
  const auto it = kept_.find(grant.key);
  if (it == kept_.end())
    throw std::runtime_error("rows granted for a block of rows this rank does not hold (" +
                             std::to_string(grant.key) + ")");
  // The lines first, then the records and the seal: a record never
  // describes lines that are not down.
  if (!pwrite_all(fd_, it->second.lines, grant.line_at))
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  if (meta_fd_ >= 0 && grant.record_at != kNoRecords &&
      !write_ledger_block(meta_fd_, grant.record_at, it->second.records, grant.seal))
    throw std::runtime_error("cannot write " + meta_path_ + ": " + std::strerror(errno));
  kept_.erase(it);
}

}  // namespace photoscore
