#include "run/photo_batch.hpp"

#include <cstring>
#include <stdexcept>

#include "record/byte_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kMalformed = "malformed batch of photos";

constexpr std::size_t kPhotoFixed = sizeof(std::int32_t) + sizeof(std::int64_t) + sizeof(double) + 3 * sizeof(std::uint32_t);

}  // namespace

BatchEncoder::BatchEncoder(std::string& out, std::int64_t first, std::int64_t seq) : out_(out) {
  out_.clear();
  put_field(out_, first);
  put_field(out_, seq);
  count_at_ = out_.size();
  put_field(out_, std::uint32_t{0});
}

void BatchEncoder::add(std::int32_t decoder, std::int64_t payload, double read_seconds,
                       std::string_view filename, std::string_view path, std::string_view identity) {
  // Sized once and filled in place: rank 0 encodes every photo of a job.
  std::size_t at = out_.size();
  out_.resize(at + kPhotoFixed + filename.size() + path.size() + identity.size());
  const auto field = [&](const void* value, std::size_t size) {
    std::memcpy(out_.data() + at, value, size);
    at += size;
  };
  const auto text = [&](std::string_view t) {
    const auto n = static_cast<std::uint32_t>(t.size());
    field(&n, sizeof n);
    field(t.data(), t.size());
  };
  field(&decoder, sizeof decoder);
  field(&payload, sizeof payload);
  field(&read_seconds, sizeof read_seconds);
  text(filename);
  text(path);
  text(identity);
  ++count_;
  std::memcpy(out_.data() + count_at_, &count_, sizeof count_);
}

void encode_batch(const PhotoBatch& batch, std::string& out) {
  BatchEncoder encoder(out, batch.first, batch.seq);
  for (const BatchPhoto& p : batch.photos)
    encoder.add(p.decoder, p.payload, p.read_seconds, p.filename, p.path, p.identity);
}

PhotoBatch decode_batch(std::string_view bytes) {
  FieldReader r(bytes, kMalformed);
  PhotoBatch batch;
  batch.first = r.get<std::int64_t>();
  batch.seq = r.get<std::int64_t>();
  const auto count = r.get<std::uint32_t>();
  if (batch.first < 0 || batch.seq < 0 || count == 0 || count > r.left() / kPhotoFixed)
    throw std::runtime_error(kMalformed);
  batch.photos.resize(count);
  for (BatchPhoto& p : batch.photos) {
    p.decoder = r.get<std::int32_t>();
    p.payload = r.get<std::int64_t>();
    p.read_seconds = r.get<double>();
    p.filename = r.text();
    p.path = r.text();
    p.identity = r.text();
  }
  if (r.left() != 0) throw std::runtime_error(kMalformed);
  return batch;
}

}  // namespace photoscore
