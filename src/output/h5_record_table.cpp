#include "output/h5_record_table.hpp"

#include <cstring>
#include <stdexcept>

#include "output/chunk_filter.hpp"
#include "output/h5_dataset.hpp"

namespace photoscore::h5 {

Id record_type(const H5RecordLayout& layout, const std::string& path) {
  Id type = checked(H5Tcreate(H5T_COMPOUND, layout.size()), H5Tclose, path, "creating a record type");
  for (const H5Field& f : layout.fields()) {
    Id text;
    hid_t member = H5T_IEEE_F64LE;
    if (f.kind == H5Field::Kind::I32) member = H5T_STD_I32LE;
    if (f.kind == H5Field::Kind::I64) member = H5T_STD_I64LE;
    if (f.kind == H5Field::Kind::Str) {
      text = checked(H5Tcopy(H5T_C_S1), H5Tclose, path, "creating a string type");
      check(H5Tset_size(text.get(), f.size), path, "creating a string type");
      check(H5Tset_strpad(text.get(), H5T_STR_NULLPAD), path, "creating a string type");
      check(H5Tset_cset(text.get(), H5T_CSET_UTF8), path, "creating a string type");
      member = text.get();
    }
    check(H5Tinsert(type.get(), f.name.c_str(), f.offset, member), path, "adding member " + f.name);
  }
  return type;
}

void RecordTable::create(hid_t parent, const char* name, H5RecordLayout layout, hsize_t chunk_rows,
                         const std::string& path) {
  layout_ = std::move(layout);
  path_ = path;
  name_ = std::string("/") + name;
  chunk_rows_ = chunk_rows;
  type_ = record_type(layout_, path);
  dataset_ = create_growing_dataset(parent, name, type_.get(), chunk_rows_, path, name_);
  buffer_.reserve(layout_.size() * chunk_rows_);
}

void RecordTable::append(const char* records, std::size_t rows) {
  const std::size_t size = layout_.size();
  while (rows > 0) {
    const std::size_t held = buffer_.size() / size;
    const std::size_t take = std::min(static_cast<std::size_t>(chunk_rows_) - held, rows);
    buffer_.append(records, take * size);
    records += take * size;
    rows -= take;
    rows_ += take;
    if (buffer_.size() == size * chunk_rows_) chunk_full();
  }
}

void RecordTable::chunk_full() {
  // The dataset grows as chunks fill, in order.
  extent_ = rows_;
  check(H5Dset_extent(dataset_.get(), &extent_), path_, "extending " + name_);
  write_chunk(rows_ / chunk_rows_ - 1, shuffle_deflate(buffer_, layout_.size()));
  buffer_.clear();
}

std::string RecordTable::assemble_elsewhere() {
  elsewhere_ = true;
  std::string held = std::move(buffer_);
  buffer_ = std::string();
  return held;
}

void RecordTable::write_filtered(std::uint64_t index, std::string_view filtered) {
  if (!elsewhere_) throw std::logic_error("RecordTable: a filtered chunk for a table filled here");
  // Chunks come in any order; the dataset covers each as it is written,
  // and no further than the table's end once that is known.
  hsize_t end = (index + 1) * chunk_rows_;
  if (complete_ && end > rows_) end = rows_;
  if (end > extent_) {
    extent_ = end;
    check(H5Dset_extent(dataset_.get(), &extent_), path_, "extending " + name_);
  }
  write_chunk(index, filtered);
}

void RecordTable::write_chunk(std::uint64_t index, std::string_view filtered) {
  const hsize_t offset[1] = {index * chunk_rows_};
  // Filter mask 0: every filter of the dataset's pipeline was applied.
  check(H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset, filtered.size(), filtered.data()), path_,
        "writing rows of " + name_);
}

void RecordTable::close() {
  if (dataset_.get() < 0) return;
  if (!buffer_.empty()) {
    // The last chunk, partial: stored whole like every chunk, padded with
    // zeros past the dataset's end.
    extent_ = rows_;
    check(H5Dset_extent(dataset_.get(), &extent_), path_, "extending " + name_);
    buffer_.resize(layout_.size() * chunk_rows_, '\0');
    write_chunk(rows_ / chunk_rows_, shuffle_deflate(std::string_view(buffer_.data(), buffer_.size()), layout_.size()));
    buffer_.clear();
  }
  // Rows assembled elsewhere end where the rows counted end: chunks past
  // them (photos scored after a run was cut short) are not the table's.
  if (extent_ != rows_) {
    extent_ = rows_;
    check(H5Dset_extent(dataset_.get(), &extent_), path_, "ending " + name_);
  }
  check(dataset_.close(), path_, "writing " + name_);
  type_.reset();
}

}  // namespace photoscore::h5
