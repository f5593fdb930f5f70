#include "output/jsonl_pieces.hpp"

#include <cstring>
#include <stdexcept>

#include "output/resume_ledger.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {
constexpr const char* kMalformed = "malformed JSONL rows";

}  // namespace

std::uint64_t count_newlines(std::string_view text) {
  std::uint64_t n = 0;
  if (text.empty()) return n;  // (its data may be null, which memchr must not see)
  const char* p = text.data();
  const char* const end = p + text.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
    ++n;
    ++p;
  }
  return n;
}

std::vector<JsonlPiece> read_jsonl_pieces(std::string_view section) {
  std::vector<JsonlPiece> pieces;
  std::size_t at = 0;
  while (at < section.size()) {
    JsonlPiece p;
    const auto first = get_field<std::uint64_t>(section, at, kMalformed);
    p.stub = (first & kStubBit) != 0;
    p.line_bytes = first & ~kStubBit;
    p.record_bytes = get_field<std::uint64_t>(section, at, kMalformed);
    if (section.size() - at < kLedgerDigits) throw std::runtime_error(kMalformed);
    p.digest = section.substr(at, kLedgerDigits);
    at += kLedgerDigits;
    if (p.stub) {
      p.rows = get_field<std::uint64_t>(section, at, kMalformed);
      p.owner = get_field<std::uint64_t>(section, at, kMalformed);
      p.key = get_field<std::uint64_t>(section, at, kMalformed);
    } else {
      if (section.size() - at < p.line_bytes || section.size() - at - p.line_bytes < p.record_bytes)
        throw std::runtime_error(kMalformed);
      p.lines = section.substr(at, p.line_bytes);
      at += p.line_bytes;
      p.records = section.substr(at, p.record_bytes);
      at += p.record_bytes;
    }
    pieces.push_back(p);
  }
  return pieces;
}

void put_jsonl_piece(std::string& out, const JsonlPiece& piece) {
  put_field(out, static_cast<std::uint64_t>(piece.lines.size()));
  put_field(out, static_cast<std::uint64_t>(piece.records.size()));
  out += piece.digest;
  out += piece.lines;
  out += piece.records;
}

void put_jsonl_stub(std::string& out, const JsonlPiece& piece, std::uint64_t rows, std::uint64_t owner,
                    std::uint64_t key) {
  put_field(out, static_cast<std::uint64_t>(piece.line_bytes | kStubBit));
  put_field(out, piece.record_bytes);
  out += piece.digest;
  put_field(out, rows);
  put_field(out, owner);
  put_field(out, key);
}

}  // namespace photoscore
