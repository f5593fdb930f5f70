#pragma once
// An extendible, chunked, compressed 1-D dataset of fixed-size records
// (h5_record.hpp), appended a block of rows at a time and written a whole
// chunk at a time: no conversion per row, no string heap. Each full chunk
// is filtered (chunk_filter.hpp) and written as it is. Under MPI, once
// assemble_elsewhere() is called, the chunks are assembled and filtered by
// other ranks (chunk_assembly.hpp) and only written here: the table then
// counts its rows and writes the filtered chunks as they come, in any order.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
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

  // From now on the records are assembled elsewhere: append() only counts
  // rows, and write_filtered() takes each chunk. Returns the records of the
  // partial chunk held so far (the rows up to rows()), for its owner.
  std::string assemble_elsewhere();
  std::size_t rows() const { return static_cast<std::size_t>(rows_); }
  void count(std::size_t rows) { rows_ += rows; }
  // No row will follow: a chunk written from now on ends at rows().
  void rows_complete() { complete_ = true; }
  // Chunk `index` as shuffle_deflate() made it.
  void write_filtered(std::uint64_t index, std::string_view filtered);

  // Writes what is left (the last partial chunk, unless it is assembled
  // elsewhere) and closes the dataset.
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
  hsize_t extent_ = 0;        // the dataset's rows
  std::string buffer_;        // the chunk being filled
  bool elsewhere_ = false;    // assembled by other ranks
  bool complete_ = false;     // rows_ is final
};

// The file type of a layout's records: a packed compound of little-endian
// numbers and null-padded UTF-8 strings of the fields' widths.
Id record_type(const H5RecordLayout& layout, const std::string& path);

}  // namespace photoscore::h5
