#include "output/chunk_assembly.hpp"

#include <algorithm>
#include <stdexcept>

#include "output/chunk_filter.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {

constexpr std::size_t kHeader = 2 * sizeof(std::uint64_t) + 2 * sizeof(std::uint32_t);
constexpr const char* kNotPiece = "a piece of an HDF5 chunk cut short";

}  // namespace

std::vector<ChunkPiece> split_by_chunk(std::string_view sealed, std::uint64_t first_row,
                                       std::uint32_t scores_size, std::uint32_t images_size) {
  std::vector<ChunkPiece> out;
  const std::size_t a = scores_size;
  const std::size_t b = images_size;
  std::uint64_t row = first_row;
  std::size_t at = 0;
  while (at < sealed.size()) {
    std::uint64_t n = 0;
    if (sealed.size() - at < sizeof n || a + b == 0) throw std::logic_error("HDF5 records of another layout");
    std::memcpy(&n, sealed.data() + at, sizeof n);
    at += sizeof n;
    if (n > (sealed.size() - at) / (a + b)) throw std::logic_error("HDF5 records of another layout");
    const char* scores = sealed.data() + at;
    const char* images = scores + n * a;
    for (std::uint64_t k = 0; k < n;) {
      const std::uint64_t chunk = (row + k) / kRowsPerChunk;
      const std::uint64_t take = std::min(n - k, (chunk + 1) * kRowsPerChunk - (row + k));
      ChunkPiece& piece = out.emplace_back();
      piece.chunk = chunk;
      piece.bytes.reserve(kHeader + take * (a + b));
      put_field(piece.bytes, row + k);
      put_field(piece.bytes, take);
      put_field(piece.bytes, scores_size);
      put_field(piece.bytes, images_size);
      piece.bytes.append(scores + k * a, take * a);
      piece.bytes.append(images + k * b, take * b);
      k += take;
    }
    row += n;
    at += n * (a + b);
  }
  return out;
}

ChunkAssembler::ChunkAssembler(int owner, int owners, std::uint64_t first_chunk)
    : owner_(owner), owners_(owners), first_chunk_(first_chunk) {
  if (owners < 1 || owner < 0 || owner >= owners) throw std::logic_error("ChunkAssembler: no such owner");
}

void ChunkAssembler::add(std::string_view piece, std::vector<FilteredChunk>& out) {
  std::size_t at = 0;
  const auto first = get_field<std::uint64_t>(piece, at, kNotPiece);
  const auto rows = get_field<std::uint64_t>(piece, at, kNotPiece);
  const auto a = get_field<std::uint32_t>(piece, at, kNotPiece);
  const auto b = get_field<std::uint32_t>(piece, at, kNotPiece);
  if (scores_size_ == 0 && images_size_ == 0) {
    scores_size_ = a;
    images_size_ = b;
  }
  if (a != scores_size_ || b != images_size_ || a + b == 0)
    throw std::runtime_error("a piece of an HDF5 chunk with records of another size");
  if (rows == 0 || rows > kRowsPerChunk || piece.size() - at != rows * (a + b))
    throw std::runtime_error(kNotPiece);
  const std::uint64_t index = first / kRowsPerChunk;
  const std::uint64_t from = first % kRowsPerChunk;
  if (from + rows > kRowsPerChunk || !owns(index))
    throw std::runtime_error("a piece of an HDF5 chunk for another rank");
  if (done_.count(index)) {
    // Rows past the end, scored after the run was cut short: not the tables'.
    if (first >= end_) return;
    throw std::runtime_error("rows of an HDF5 chunk that was already written");
  }
  Chunk& chunk = open_[index];
  if (chunk.arrived.empty()) {
    chunk.scores.assign(kRowsPerChunk * a, '\0');
    chunk.images.assign(kRowsPerChunk * b, '\0');
    chunk.arrived.assign(kRowsPerChunk, false);
  }
  for (std::uint64_t r = from; r < from + rows; ++r) {
    if (chunk.arrived[r]) throw std::runtime_error("a row of an HDF5 chunk that came twice");
    chunk.arrived[r] = true;
  }
  chunk.count += rows;
  std::memcpy(chunk.scores.data() + from * a, piece.data() + at, rows * a);
  std::memcpy(chunk.images.data() + from * b, piece.data() + at + rows * a, rows * b);
  if (chunk.count == kRowsPerChunk) {
    filter(index, chunk, kRowsPerChunk, out);
    open_.erase(index);
  } else if (end_ != UINT64_MAX) {
    finish(end_, out);
  }
}

bool ChunkAssembler::finish(std::uint64_t rows, std::vector<FilteredChunk>& out) {
  end_ = rows;
  bool whole = true;
  const std::uint64_t chunks = (rows + kRowsPerChunk - 1) / kRowsPerChunk;
  for (std::uint64_t c = first_chunk_; c < chunks; ++c) {
    if (!owns(c) || done_.count(c)) continue;
    const std::uint64_t below = std::min(kRowsPerChunk, rows - c * kRowsPerChunk);
    const auto it = open_.find(c);
    if (it == open_.end()) {
      whole = false;
      continue;
    }
    Chunk& chunk = it->second;
    if (std::find(chunk.arrived.begin(), chunk.arrived.begin() + static_cast<std::ptrdiff_t>(below), false) !=
        chunk.arrived.begin() + static_cast<std::ptrdiff_t>(below)) {
      whole = false;
      continue;
    }
    filter(c, chunk, below, out);
    open_.erase(it);
  }
  // Chunks wholly past the end are not the tables'.
  for (auto it = open_.lower_bound(chunks); it != open_.end();) it = open_.erase(it);
  return whole;
}

void ChunkAssembler::filter(std::uint64_t index, Chunk& chunk, std::uint64_t rows,
                            std::vector<FilteredChunk>& out) {
  // Past the tables' end a stored chunk holds zeros, as the writer pads it.
  std::fill(chunk.scores.begin() + static_cast<std::ptrdiff_t>(rows * scores_size_), chunk.scores.end(),
            '\0');
  std::fill(chunk.images.begin() + static_cast<std::ptrdiff_t>(rows * images_size_), chunk.images.end(),
            '\0');
  out.push_back({index, shuffle_deflate(chunk.scores, scores_size_)});
  out.push_back({(std::uint64_t{1} << 48) | index, shuffle_deflate(chunk.images, images_size_)});
  done_.insert(index);
}

}  // namespace photoscore
