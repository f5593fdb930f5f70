#pragma once
// The filters of the HDF5 file's record tables, applied by photoscore itself
// rather than by HDF5: byte shuffle (the HDF5 shuffle filter's layout: the
// first byte of every record, then every second byte, ...) then deflate (a
// zlib stream, as HDF5's deflate filter writes and reads). A chunk filtered
// here is written as it is (H5Dwrite_chunk) and read back by any HDF5 reader
// through the dataset's own filter pipeline. A pure function: any rank can
// filter a chunk for the rank that writes the file.
#include <cstddef>
#include <string>
#include <string_view>

namespace photoscore {

inline constexpr int kDeflateLevel = 4;

// Shuffles `raw` (whole records of `element_size` bytes) and deflates it.
std::string shuffle_deflate(std::string_view raw, std::size_t element_size, int level = kDeflateLevel);

}  // namespace photoscore
