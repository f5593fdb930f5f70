#pragma once
#include <hdf5.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "output/h5_error.hpp"

namespace photoscore::h5 {

// An extendible, chunked, compressed 1-D table of compound rows, filled a
// block at a time so that only one chunk's worth of rows is ever held.
class Table {
 public:
  enum class Kind { F64, I32, I64, Str };

  void add(std::string name, Kind kind) { columns_.push_back({std::move(name), kind, 0}); }

  // Creates dataset `name` (relative to `parent`) with the columns added so
  // far; `path` is the file's name for error messages.
  void create(hid_t parent, const char* name, hsize_t chunk_rows, const std::string& path);

  // Starts a row; the put_* calls that follow fill its columns in order.
  void begin_row();
  void put_f64(double v) { put(Kind::F64, &v); }
  void put_i32(std::int32_t v) { put(Kind::I32, &v); }
  void put_i64(std::int64_t v) { put(Kind::I64, &v); }
  void put_str(std::string_view v);
  // Called after each row: writes the block once a chunk's worth is held.
  void end_row();

  void flush();
  void close();

 private:
  struct Column {
    std::string name;
    Kind kind;
    std::size_t offset;
  };

  void put(Kind kind, const void* value);

  std::vector<Column> columns_;
  std::string path_;
  std::string name_;
  hsize_t chunk_rows_ = 1024;
  std::size_t row_size_ = 0;
  Id mem_type_;
  Id dataset_;
  hsize_t rows_ = 0;
  std::vector<unsigned char> buffer_;
  std::deque<std::string> strings_;
  std::size_t column_ = 0;
};

}  // namespace photoscore::h5
