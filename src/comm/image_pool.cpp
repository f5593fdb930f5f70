#include "comm/image_pool.hpp"

#include <algorithm>

namespace photoscore::mpi {

std::unique_ptr<RgbImage> ImagePool::take_image(std::size_t bytes) {
  if (images_.empty()) return std::make_unique<RgbImage>();
  auto best = images_.end();
  for (auto it = images_.begin(); it != images_.end(); ++it) {
    const std::size_t have = (*it)->rgb.capacity();
    if (best == images_.end()) {
      best = it;
      continue;
    }
    const std::size_t kept = (*best)->rgb.capacity();
    const bool fits = bytes > 0 && have >= bytes;
    const bool kept_fits = bytes > 0 && kept >= bytes;
    if (fits ? (!kept_fits || have < kept) : (!kept_fits && have > kept)) best = it;
  }
  std::unique_ptr<RgbImage> image = std::move(*best);
  images_.erase(best);
  return image;
}

void ImagePool::give_back(std::unique_ptr<RgbImage> image) {
  // An image read in place from the window has no buffer worth keeping.
  if (image && image->rgb.capacity() > 0 && images_.size() < kept_at_most_) {
    // Kept for its buffer: a photo decoded into the window left `shared`
    // pointing there, which the next photo in this buffer must not read.
    image->shared = nullptr;
    image->place = nullptr;
    images_.push_back(std::move(image));
  }
}

std::vector<std::uint8_t> ImagePool::take_payload() {
  if (payloads_.empty()) return {};
  auto largest = std::max_element(payloads_.begin(), payloads_.end(),
                                  [](const auto& a, const auto& b) { return a.capacity() < b.capacity(); });
  std::vector<std::uint8_t> payload = std::move(*largest);
  payloads_.erase(largest);
  return payload;
}

void ImagePool::give_back(std::vector<std::uint8_t>&& payload) {
  if (payload.capacity() > 0 && payloads_.size() < kept_at_most_) payloads_.push_back(std::move(payload));
}

}  // namespace photoscore::mpi
