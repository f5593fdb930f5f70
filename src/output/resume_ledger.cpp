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
#include "output/writev_all.hpp"

namespace photoscore {

namespace {

constexpr std::string_view kMagic = "photoscore meta 4";
constexpr std::size_t kDigits = 32;  // 128 bits

std::string header(std::string_view options) {
  return std::string(kMagic) + "\noptions " + std::string(options) + "\n";
}

std::string seal_line(std::string_view chain) { return "seal " + std::string(chain) + "\n"; }

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
  return photo_identity(static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim),
                        static_cast<std::uint64_t>(st.st_ino));
}

std::string open_file_identity(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return "none";
  return photo_identity(static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim),
                        static_cast<std::uint64_t>(st.st_ino));
}

std::string photo_identity(std::uint64_t size, std::int64_t mtime_ns, std::int64_t ctime_ns, std::uint64_t inode) {
  return std::to_string(size) + ":" + std::to_string(mtime_ns) + ":" + std::to_string(ctime_ns) + ":" +
         std::to_string(inode);
}

std::string ledger_row_digest(std::string_view row) { return sha256_hex(row, kDigits); }

std::string ledger_chain_start(std::string_view options) { return sha256_hex(header(options), kDigits); }

std::string ledger_record(std::uint64_t length, std::string_view photo, std::string_view row_digest) {
  std::string line = "row " + std::to_string(length) + " ";
  line += photo;
  line += " ";
  line += row_digest;
  line += "\n";
  return line;
}

std::string ledger_block_digest(std::string_view records) { return sha256_hex(records, kDigits); }

std::string ledger_seal_digest(std::string_view previous, std::string_view block_digest) {
  std::string text(previous);
  text += "\n";
  text += block_digest;
  return sha256_hex(text, kDigits);
}

std::string ledger_seal(std::string_view previous, std::string_view records) {
  return ledger_seal_digest(previous, ledger_block_digest(records));
}

bool photo_changed_since(std::string_view photo, std::int64_t since_ns) {
  // SIZE:MTIME_NS:CTIME_NS:INODE
  const auto last = photo.rfind(':');
  if (last == std::string_view::npos || last == 0) return false;
  const auto before = photo.rfind(':', last - 1);
  if (before == std::string_view::npos) return false;
  try {
    return std::stoll(std::string(photo.substr(before + 1, last - before - 1))) >= since_ns;
  } catch (const std::exception&) {
    return false;
  }
}

bool is_photoscore_meta(std::string_view text) {
  if (text.substr(0, kMagic.size()) == kMagic) return true;
  if (text.substr(0, 17) == "photoscore meta 3") return true;  // seals over the records themselves
  if (text.substr(0, 17) == "photoscore meta 2") return true;  // records chained row by row
  // The format before: one line, the options, starting with the profile.
  return text.substr(0, 8) == "profile=" && text.find('\n') + 1 >= text.size();
}

Ledger parse_ledger(std::string_view text) {
  Ledger ledger;
  // A gap of zero bytes: blocks reserved and not all written when the run
  // was killed. Nothing from there on was sealed in order.
  text = text.substr(0, text.find('\0'));
  const auto next_line = [&](std::string_view& line) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) return false;  // none, or cut short by a kill
    line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != kMagic) {
    if (line.substr(0, 8) == "profile=" || line.substr(0, 15) == "photoscore meta")
      throw std::invalid_argument(
          "it was written by an older photoscore, without the checksums this one checks (score the folder "
          "again, or use that version to resume)");
    throw std::invalid_argument("it is not a photoscore .meta file");
  }
  if (!next_line(line) || line.substr(0, 8) != "options ")
    throw std::invalid_argument("line 2 is not the options");
  ledger.options = std::string(line.substr(8));
  ledger.chain_start = ledger_chain_start(ledger.options);
  std::uint64_t end = 0;
  std::vector<LedgerRecord> open;  // records since the last seal
  std::string open_text;
  for (std::size_t line_no = 3; next_line(line); ++line_no) {
    std::istringstream in{std::string(line)};
    std::string word;
    std::string extra;
    in >> word;
    if (word == "row") {
      std::uint64_t length = 0;
      LedgerRecord r;
      if (!(in >> length >> r.photo >> r.row_digest) || (in >> extra) || length == 0 || !is_hex(r.row_digest))
        throw std::invalid_argument("line " + std::to_string(line_no) + " is not a record");
      end += length;
      r.end = end;
      open.push_back(std::move(r));
      open_text += std::string(line) + "\n";
    } else if (word == "seal") {
      LedgerSeal seal;
      if (!(in >> seal.chain) || (in >> extra) || !is_hex(seal.chain) || open.empty())
        throw std::invalid_argument("line " + std::to_string(line_no) + " is not a seal");
      seal.first = ledger.records.size();
      seal.count = open.size();
      seal.text = std::move(open_text);
      open_text.clear();
      for (LedgerRecord& r : open) ledger.records.push_back(std::move(r));
      open.clear();
      ledger.seals.push_back(std::move(seal));
    } else {
      throw std::invalid_argument("line " + std::to_string(line_no) + " is not a record");
    }
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
  if (keep && *keep > 0) {
    // The records of the rows --resume checked and keeps, sealed again as
    // one block; the others go with the rows they describe.
    std::ifstream in(meta_path, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    Ledger old;
    try {
      old = parse_ledger(all.str());
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("cannot write " + meta_path + ": " + e.what());
    }
    std::string kept;
    std::uint64_t end = 0;
    std::uint64_t start = 0;
    for (const LedgerRecord& r : old.records) {
      if (r.end > *keep) break;
      kept += ledger_record(r.end - start, r.photo, r.row_digest);
      start = end = r.end;
    }
    if (end != *keep)
      throw std::runtime_error("cannot write " + meta_path + ": its records do not end at the rows kept");
    chain_ = ledger_seal(chain_, kept);
    text += kept + seal_line(chain_);
  }
  write_whole_file(meta_path, text);
  // Not O_APPEND: every block is written at the place reserve() gave it.
  fd_ = ::open(meta_path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot write " + meta_path + ": " + std::strerror(errno));
  end_ = text.size();
}

LedgerWriter::Place LedgerWriter::reserve(std::uint64_t record_bytes, std::string_view digest) {
  if (fd_ < 0) throw std::logic_error("LedgerWriter::reserve before open");
  chain_ = ledger_seal_digest(chain_, digest);
  Place place{end_, seal_line(chain_)};
  end_ += record_bytes + place.seal.size();
  return place;
}

void LedgerWriter::write(const Place& place, std::string_view records) {
  if (fd_ < 0) throw std::logic_error("LedgerWriter::write before open");
  if (!write_ledger_block(fd_, place.at, records, place.seal))
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

bool write_ledger_block(int fd, std::uint64_t at, std::string_view records, std::string_view seal) {
  std::vector<iovec> pieces;
  if (!records.empty()) pieces.push_back({const_cast<char*>(records.data()), records.size()});
  pieces.push_back({const_cast<char*>(seal.data()), seal.size()});
  return pwritev_all(fd, pieces, at);
}

void LedgerWriter::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
