#pragma once
// The shared file of a decoder helper and its parent (decoder_protocol.hpp)
// mapped whole, as both ends see it: grown when a photo needs more of it,
// and mapped again whenever either end has changed its size.
//
// A mapping that must move stays mapped until release_retired(), which each
// end calls only between photos: a decoder holds the photo's bytes (at the
// start of the file) while it asks for room for the pixels after them, and
// reads them again later (LibRaw's stream, the capture time). Unmapped at
// once, those addresses could be reused by the new mapping at another
// offset, and the decoder would read other bytes of the file without any
// fault. Both mappings are of the same file, so the old one still shows the
// photo's bytes.
#include <cstdint>
#include <vector>

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
  // Unmaps the file, and every retired mapping.
  void unmap();
  // Unmaps the mappings map() moved away from: only where nothing can still
  // point into them (between photos).
  void release_retired();
  std::uint64_t mapped_bytes() const { return length_; }

 private:
  std::uint8_t* data_ = nullptr;
  std::uint64_t length_ = 0;
  struct Retired {
    std::uint8_t* data;
    std::uint64_t length;
  };
  std::vector<Retired> retired_;
};

}  // namespace photoscore::helper
