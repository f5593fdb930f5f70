#include "image/shared_mapping.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace photoscore::helper {

std::uint8_t* SharedMapping::map(int fd, std::uint64_t bytes) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return nullptr;
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < bytes) {
    if (::posix_fallocate(fd, 0, static_cast<off_t>(bytes)) != 0) return nullptr;
    size = bytes;
  }
  if (size != length_) {
    if (data_ && size > length_) {
      // Grown in place where the addresses after it are free: nothing moves.
      void* grown = ::mremap(data_, length_, size, 0);
      if (grown != MAP_FAILED) {
        length_ = size;
        return data_;
      }
    }
    if (data_) retired_.push_back({data_, length_});
    data_ = nullptr;
    length_ = 0;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return nullptr;
    data_ = static_cast<std::uint8_t*>(p);
    length_ = size;
  }
  return data_;
}

void SharedMapping::unmap() {
  release_retired();
  if (data_) ::munmap(data_, length_);
  data_ = nullptr;
  length_ = 0;
}

void SharedMapping::release_retired() {
  for (const Retired& r : retired_) ::munmap(r.data, r.length);
  retired_.clear();
}

}  // namespace photoscore::helper
