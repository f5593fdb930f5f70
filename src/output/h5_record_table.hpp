#pragma once
// An extendible, chunked, compressed 1-D dataset of fixed-size records
// (h5_record.hpp), appended a block of rows at a time and written a whole
// chunk at a time: no conversion per row, no string heap. Each full chunk
// is filtered (chunk_filter.hpp) and written as it is, here or - once
// offload() is called - by whoever takes it from take_chunks() and hands
// the filtered bytes back: compressing is most of writing a table, and the
// rank that writes the file must not spend its time on it.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "output/h5_error.hpp"
#include "output/h5_record.hpp"

namespace photoscore::h5 {

class RecordTable {
 public:
  // Creates dataset `name` (relative to `parent`) for records of `layout`;
  // `path` is the file's name for error messages.
  void create(hid_t parent, const char* name, H5RecordLayout layout, hsize_t chunk_rows, const std::string& path);

  // `rows` records laid end to end, in file order.
  void append(const char* records, std::size_t rows);
  std::size_t record_size() const { return layout_.size(); }

  // From now on full chunks wait for take_chunks() instead of being filtered here.
  void offload() { offload_ = true; }
  struct Chunk {
    std::uint64_t index = 0;  // chunk number: rows index*chunk_rows on
    std::string raw;          // its records
  };
  // The full chunks waiting; each must come back through write_filtered()
  // before close().
  std::vector<Chunk> take_chunks();
  // Chunk `index` as shuffle_deflate() made it.
  void write_filtered(std::uint64_t index, std::string_view filtered);

  // Writes what is left (the chunks waiting, the last partial one) and
  // closes the dataset; throws std::logic_error if a chunk taken never came back.
  void close();

 private:
  void write_chunk(std::uint64_t index, std::string_view filtered);
  void chunk_full();

  H5RecordLayout layout_;
  std::string path_;
  std::string name_;
  hsize_t chunk_rows_ = 1024;
  Id type_;
  Id dataset_;
  hsize_t rows_ = 0;          // rows appended
  std::string buffer_;        // the chunk being filled
  bool offload_ = false;
  std::vector<Chunk> waiting_;     // full, not taken yet
  std::set<std::uint64_t> taken_;  // taken, not written yet
};

// The file type of a layout's records: a packed compound of little-endian
// numbers and null-padded UTF-8 strings of the fields' widths.
Id record_type(const H5RecordLayout& layout, const std::string& path);

}  // namespace photoscore::h5
