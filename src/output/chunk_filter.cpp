#include "output/chunk_filter.hpp"

#include <zlib.h>

#include <stdexcept>
#include <vector>

namespace photoscore {

std::string shuffle_deflate(std::string_view raw, std::size_t element_size, int level) {
  if (element_size == 0 || raw.size() % element_size != 0)
    throw std::logic_error("shuffle_deflate: a chunk of partial records");
  const std::size_t n = raw.size() / element_size;
  std::vector<unsigned char> shuffled(raw.size());
  for (std::size_t j = 0; j < element_size; ++j) {
    unsigned char* out = shuffled.data() + j * n;
    const char* in = raw.data() + j;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(in[i * element_size]);
  }
  uLongf size = compressBound(static_cast<uLong>(shuffled.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, shuffled.data(), static_cast<uLong>(shuffled.size()),
                level) != Z_OK)
    throw std::runtime_error("cannot compress a chunk of records (zlib)");
  out.resize(size);
  return out;
}

}  // namespace photoscore
