#include "output/h5_table.hpp"

#include <cstring>
#include <stdexcept>

#include "output/h5_dataset.hpp"
#include "output/utf8.hpp"

namespace photoscore::h5 {

void Table::create(hid_t parent, const char* name, hsize_t chunk_rows, const std::string& path) {
  path_ = path;
  name_ = std::string("/") + name;
  chunk_rows_ = chunk_rows;
  Id str = utf8_string_type(path);
  // Memory rows are laid out naturally aligned; the file type is packed
  // with little-endian standard types, so files are the same everywhere.
  std::size_t offset = 0;
  std::size_t file_size = 0;
  for (auto& c : columns_) {
    const std::size_t size = c.kind == Kind::I32 ? 4 : 8;
    offset = (offset + size - 1) / size * size;
    c.offset = offset;
    offset += size;
    file_size += c.kind == Kind::Str ? H5Tget_size(str.get()) : size;
  }
  row_size_ = (offset + 7) / 8 * 8;
  mem_type_ = checked(H5Tcreate(H5T_COMPOUND, row_size_), H5Tclose, path, "creating the type of " + name_);
  Id file_type = checked(H5Tcreate(H5T_COMPOUND, file_size), H5Tclose, path, "creating the type of " + name_);
  std::size_t file_offset = 0;
  for (const auto& c : columns_) {
    hid_t native = H5T_NATIVE_DOUBLE;
    hid_t stored = H5T_IEEE_F64LE;
    if (c.kind == Kind::I32) {
      native = H5T_NATIVE_INT32;
      stored = H5T_STD_I32LE;
    } else if (c.kind == Kind::I64) {
      native = H5T_NATIVE_INT64;
      stored = H5T_STD_I64LE;
    } else if (c.kind == Kind::Str) {
      native = stored = str.get();
    }
    check(H5Tinsert(mem_type_.get(), c.name.c_str(), c.offset, native), path,
          "adding " + name_ + "." + c.name);
    check(H5Tinsert(file_type.get(), c.name.c_str(), file_offset, stored), path,
          "adding " + name_ + "." + c.name);
    file_offset += H5Tget_size(stored);
  }

  dataset_ = create_growing_dataset(parent, name, file_type.get(), chunk_rows, path, name_);
  buffer_.reserve(row_size_ * chunk_rows);
}

void Table::begin_row() {
  if (column_ != 0 && column_ != columns_.size())
    throw std::logic_error("H5Sink: row of " + name_ + " left unfinished");
  buffer_.resize(buffer_.size() + row_size_);
  column_ = 0;
}

void Table::put_str(std::string_view v) {
  // A deque never moves its elements, so the pointers stay valid until the
  // block is written.
  strings_.push_back(as_utf8(v));
  const char* p = strings_.back().c_str();
  put(Kind::Str, &p);
}

void Table::end_row() {
  if (column_ != columns_.size()) throw std::logic_error("H5Sink: row of " + name_ + " has missing columns");
  if (buffer_.size() / row_size_ >= chunk_rows_) flush();
}

void Table::flush() {
  const hsize_t count = buffer_.size() / row_size_;
  if (count == 0) return;
  const hsize_t new_size = rows_ + count;
  check(H5Dset_extent(dataset_.get(), &new_size), path_, "extending " + name_);
  Id file_space = checked(H5Dget_space(dataset_.get()), H5Sclose, path_, "selecting rows of " + name_);
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &rows_, nullptr, &count, nullptr), path_,
        "selecting rows of " + name_);
  Id mem_space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, path_, "selecting rows of " + name_);
  check(H5Dwrite(dataset_.get(), mem_type_.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                 buffer_.data()),
        path_, "writing rows of " + name_);
  rows_ = new_size;
  buffer_.clear();
  strings_.clear();
}

void Table::close() {
  flush();
  // Chunks still in the cache reach the file here.
  check(dataset_.close(), path_, "writing " + name_);
  mem_type_.reset();
}

void Table::put(Kind kind, const void* value) {
  if (column_ >= columns_.size() || columns_[column_].kind != kind) {
    throw std::logic_error("H5Sink: wrong value for a column of " + name_);
  }
  const std::size_t size = kind == Kind::I32 ? 4 : 8;
  std::memcpy(buffer_.data() + buffer_.size() - row_size_ + columns_[column_].offset, value, size);
  ++column_;
}

}  // namespace photoscore::h5
