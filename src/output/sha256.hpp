#pragma once
// SHA-256 (FIPS 180-4), for the checksums NAME.meta keeps of the JSONL
// (resume_ledger.hpp) and for short unique names: OpenSSL's libcrypto,
// which uses the CPU's SHA instructions where there are some (a 600-byte
// row: 0.5 us, against 12 us for a plain C loop, on this project's machines),
// since rank 0 digests every row.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace photoscore {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  // The digest of everything given; the object is spent after it.
  std::array<std::uint8_t, 32> finish();

 private:
  struct Context;
  Context* context_;
};

// The first `hex_digits` (at most 64) lower-case hex digits of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes, std::size_t hex_digits = 64);

}  // namespace photoscore
