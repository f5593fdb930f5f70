#pragma once
// SHA-256 (FIPS 180-4), for the checksums NAME.meta keeps of the JSONL
// (resume_ledger.hpp) and for short unique names. Small and dependency-free:
// the rows it digests are a few hundred bytes each.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace photoscore {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest of everything given; the object is spent after it.
  std::array<std::uint8_t, 32> finish();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

// The first `hex_digits` (at most 64) lower-case hex digits of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes, std::size_t hex_digits = 64);

}  // namespace photoscore
