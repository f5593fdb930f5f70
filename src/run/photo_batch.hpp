#pragma once
// A batch of consecutive photos of the file list, dealt to one group of
// ranks at once: rank 0's per-photo work is then a few bytes in a message,
// not a message. Everything the group needs of each photo travels in it:
// the row's file name and path (the group makes the row), who decodes it
// and whether its bytes follow from rank 0 or the decoder reads the file.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace photoscore {

struct BatchPhoto {
  std::int32_t decoder = 0;   // the world rank that decodes it (in the farm layout, the worker)
  std::int64_t payload = -1;  // bytes rank 0 sends the decoder; -1: the decoder reads `path` itself
  double read_seconds = 0.0;  // rank 0's reading it, when it did
  std::string filename;
  std::string path;
  std::string identity;  // the file as rank 0 read it (read_file), when it did
};

struct PhotoBatch {
  std::int64_t first = 0;  // the first photo's place in the runner's file list
  std::int64_t seq = 0;    // the first photo's number among its group's photos
  std::vector<BatchPhoto> photos;
};

// An encoded batch is never empty; the empty message means "no more".
void encode_batch(const PhotoBatch& batch, std::string& out);

// The same, a photo at a time, straight from where the caller holds its
// names (rank 0 deals from its file list without copying them first).
// `out` holds a batch once add() was called at least once.
class BatchEncoder {
 public:
  BatchEncoder(std::string& out, std::int64_t first, std::int64_t seq);
  void add(std::int32_t decoder, std::int64_t payload, double read_seconds, std::string_view filename,
           std::string_view path, std::string_view identity);
  std::uint32_t count() const { return count_; }

 private:
  std::string& out_;
  std::size_t count_at_ = 0;
  std::uint32_t count_ = 0;
};
// Throws std::runtime_error on bytes that are not a batch.
PhotoBatch decode_batch(std::string_view bytes);

}  // namespace photoscore
