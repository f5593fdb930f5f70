#pragma once
// The image buffers and file buffers a roles member keeps from photo to
// photo (internal to src/comm), as thread mode keeps its one: a fresh buffer
// per photo costs page faults and zeroing comparable to an analyzer.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "image/rgb_image.hpp"

namespace photoscore::mpi {

class ImagePool {
 public:
  // `kept_at_most`: as many as the photos a member may hold at once (the
  // group's photos in flight, those decoded ahead or still being sent), so
  // a steady run allocates nothing.
  explicit ImagePool(std::size_t kept_at_most) : kept_at_most_(kept_at_most) {}

  // `bytes`: what the photo needs, when known (a received photo): the
  // smallest kept image that holds it, else the largest (a photo to decode,
  // whose size is not known yet, or one larger than all).
  std::unique_ptr<RgbImage> take_image(std::size_t bytes = 0);
  void give_back(std::unique_ptr<RgbImage> image);
  // The same for the files' bytes: the largest kept one.
  std::vector<std::uint8_t> take_payload();
  void give_back(std::vector<std::uint8_t>&& payload);

 private:
  std::size_t kept_at_most_;
  std::vector<std::unique_ptr<RgbImage>> images_;
  std::vector<std::vector<std::uint8_t>> payloads_;
};

}  // namespace photoscore::mpi
