#pragma once
// The multi-megabyte buffers reused from photo to photo (the decoded pixels,
// composition's keys). Photos of a folder come in every size, so such a
// buffer grows now and then; these helpers keep that cheap.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "image/rgb_image.hpp"

namespace photoscore {

namespace detail {
// Asks for transparent huge pages: first touching tens of megabytes 4 KiB at
// a time costs a page fault per page, as much as an analyzer's sweep. Only a
// hint: where it is refused, 4 KiB pages serve as before.
inline void advise_huge(const void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const auto first = (begin + kHuge - 1) & ~(kHuge - 1);
  const auto last = (begin + bytes) & ~(kHuge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// Growth leaves a quarter spare, so a slightly larger photo than the largest
// so far does not cost a new buffer.
inline std::size_t with_room(std::size_t n) { return n + n / 4; }
}  // namespace detail

// Makes `v` hold n elements. Storage too small is dropped, not grown:
// growing would copy the last photo's contents and hold both at once.
template <class T>
void resize_big(std::vector<T>& v, std::size_t n) {
  if (v.capacity() < n) {
    std::vector<T>().swap(v);
    v.reserve(detail::with_room(n));
    detail::advise_huge(v.data(), v.capacity() * sizeof(T));
  }
  v.resize(n);
}

// Storage for a decoder's `bytes` of pixels: where image.place says
// (`shared` then points there), else `rgb`, reused while large enough; also
// `rgb` when image.place has no room for them (returns null).
inline std::uint8_t* pixel_storage(RgbImage& image, std::size_t bytes) {
  if (image.place) {
    if (std::uint8_t* p = image.place(bytes)) {
      image.shared = p;
      return p;
    }
  }
  image.shared = nullptr;
  resize_big(image.rgb, bytes);
  return image.rgb.data();
}

// Uninitialized storage for at least n elements, reused while large enough:
// unlike a vector, growing it neither copies nor zeroes anything.
template <class T>
class BigBuffer {
 public:
  T* reserve(std::size_t n) {
    if (capacity_ < n) {
      data_.reset();
      capacity_ = detail::with_room(n);
      data_.reset(new T[capacity_]);
      detail::advise_huge(data_.get(), capacity_ * sizeof(T));
    }
    return data_.get();
  }
  T* data() const { return data_.get(); }

 private:
  std::unique_ptr<T[]> data_;
  std::size_t capacity_ = 0;
};

}  // namespace photoscore
