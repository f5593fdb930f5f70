#pragma once
// The shared file of a decoder helper and its parent (decoder_protocol.hpp)
// mapped whole, as both ends see it: grown when a photo needs more of it,
// and mapped again whenever either end has changed its size.
#include <cstdint>

namespace photoscore::helper {

class SharedMapping {
 public:
  SharedMapping() = default;
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  ~SharedMapping() { unmap(); }

  // The file `fd` mapped, at least `bytes` of it: grown if shorter, reserved
  // and not just sized, so that a page that cannot be had fails here and
  // not as SIGBUS on first touch. Null when the file cannot be grown or
  // mapped (out of memory).
  std::uint8_t* map(int fd, std::uint64_t bytes);
  void unmap();
  std::uint64_t mapped_bytes() const { return length_; }

 private:
  std::uint8_t* data_ = nullptr;
  std::uint64_t length_ = 0;
};

}  // namespace photoscore::helper
