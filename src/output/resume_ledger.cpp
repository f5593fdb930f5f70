#include "output/resume_ledger.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/sha256.hpp"

namespace photoscore {

namespace {

constexpr std::string_view kMagic = "photoscore meta 2";
constexpr std::size_t kDigits = 32;  // 128 bits

std::string header(std::string_view options) {
  return std::string(kMagic) + "\noptions " + std::string(options) + "\n";
}

std::string record_line(const LedgerRecord& r) {
  return "row " + std::to_string(r.end) + " " + r.photo + " " + r.row_digest + " " + r.chain + "\n";
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::int64_t ns(const timespec& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

bool is_hex(std::string_view s) {
  if (s.size() != kDigits) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string jsonl_meta_path(const std::string& jsonl_path) { return jsonl_path + ".meta"; }

std::string photo_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "none";
  return std::to_string(st.st_size) + ":" + std::to_string(ns(st.st_mtim)) + ":" +
         std::to_string(ns(st.st_ctim)) + ":" + std::to_string(st.st_ino);
}

std::string ledger_row_digest(std::string_view row) { return sha256_hex(row, kDigits); }

std::string ledger_chain_start(std::string_view options) { return sha256_hex(header(options), kDigits); }

std::string ledger_chain(std::string_view previous, std::uint64_t end, std::string_view photo,
                         std::string_view row_digest) {
  std::string text(previous);
  text += " " + std::to_string(end) + " ";
  text += photo;
  text += " ";
  text += row_digest;
  return sha256_hex(text, kDigits);
}

bool is_photoscore_meta(std::string_view text) {
  if (text.substr(0, kMagic.size()) == kMagic) return true;
  // The format before: one line, the options, starting with the profile.
  return text.substr(0, 8) == "profile=" && text.find('\n') + 1 >= text.size();
}

Ledger parse_ledger(std::string_view text) {
  Ledger ledger;
  const auto next_line = [&](std::string_view& line) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // none, or cut short by a kill
    line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != kMagic) {
    if (line.substr(0, 8) == "profile=")
      throw std::invalid_argument(
          "it was written by an older photoscore, without the checksums a resume needs");
    throw std::invalid_argument("it is not a photoscore .meta file");
  }
  if (!next_line(line) || line.substr(0, 8) != "options ")
    throw std::invalid_argument("line 2 is not the options");
  ledger.options = std::string(line.substr(8));
  ledger.chain_start = ledger_chain_start(ledger.options);
  for (std::size_t line_no = 3; next_line(line); ++line_no) {
    std::istringstream in{std::string(line)};
    std::string word;
    LedgerRecord r;
    std::string extra;
    if (!(in >> word >> r.end >> r.photo >> r.row_digest >> r.chain) || word != "row" || (in >> extra) ||
        !is_hex(r.row_digest) || !is_hex(r.chain) ||
        (!ledger.records.empty() && r.end <= ledger.records.back().end)) {
      throw std::invalid_argument("line " + std::to_string(line_no) + " is not a record");
    }
    ledger.records.push_back(std::move(r));
  }
  return ledger;
}

LedgerWriter::~LedgerWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void LedgerWriter::open(const std::string& meta_path, const std::string& options,
                        std::optional<std::uint64_t> keep) {
  if (fd_ >= 0) throw std::logic_error("LedgerWriter::open called twice");
  path_ = meta_path;
  std::string text = header(options);
  chain_ = ledger_chain_start(options);
  end_ = 0;
  if (keep && *keep > 0) {
    // The records of the rows --resume checked and keeps; the others go
    // with the rows they describe.
    std::ifstream in(meta_path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    Ledger old;
    try {
      old = parse_ledger(all.str());
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("cannot write " + meta_path + ": " + e.what());
    }
    for (const LedgerRecord& r : old.records) {
      if (r.end > *keep) break;
      text += record_line(r);
      chain_ = r.chain;
      end_ = r.end;
    }
    if (end_ != *keep)
      throw std::runtime_error("cannot write " + meta_path + ": its records do not end at the rows kept");
  }
  write_whole_file(meta_path, text);
  fd_ = ::open(meta_path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot write " + meta_path + ": " + std::strerror(errno));
  // The clock the kernel stamps file times with: a photo changed from now
  // on has a change time at least this (one changed in this very tick
  // before counts too, which only costs scoring it again).
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  opened_ns_ = ns(now);
}

void LedgerWriter::add(std::string_view row, const std::string& photo_path) {
  if (fd_ < 0) throw std::logic_error("LedgerWriter::add before open");
  LedgerRecord r;
  end_ += row.size();
  r.end = end_;
  r.photo = photo_identity(photo_path);
  // Changed (written, replaced, its status touched) since the run began:
  // the row may be of the photo before; a resume scores it again.
  if (r.photo != "none") {
    const auto last = r.photo.rfind(':');
    const auto before = r.photo.rfind(':', last - 1);
    const std::int64_t ctime = std::stoll(r.photo.substr(before + 1, last - before - 1));
    if (ctime >= opened_ns_) r.photo = "unstable";
  }
  r.row_digest = ledger_row_digest(row);
  r.chain = ledger_chain(chain_, r.end, r.photo, r.row_digest);
  chain_ = r.chain;
  pending_ += record_line(r);
}

void LedgerWriter::flush() {
  if (pending_.empty()) return;
  // One write with O_APPEND: a kill leaves at most a last line cut short,
  // which a resume leaves out (and the rows it would cover are scored again).
  if (!write_all(fd_, pending_.data(), pending_.size())) {
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  pending_.clear();
}

void LedgerWriter::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
