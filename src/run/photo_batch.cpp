#include "run/photo_batch.hpp"

#include <cstring>
#include <stdexcept>

namespace photoscore {

namespace {

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_text(std::string& out, std::string_view text) {
  put(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string text() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(bytes_.substr(at_, n));
    at_ += n;
    return s;
  }
  std::size_t left() const { return bytes_.size() - at_; }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw std::runtime_error("malformed batch of photos");
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

constexpr std::size_t kPhotoFixed = sizeof(std::int32_t) + sizeof(std::int64_t) + sizeof(double) + 3 * sizeof(std::uint32_t);

}  // namespace

BatchEncoder::BatchEncoder(std::string& out, std::int64_t first, std::int64_t seq) : out_(out) {
  out_.clear();
  put(out_, first);
  put(out_, seq);
  count_at_ = out_.size();
  put(out_, std::uint32_t{0});
}

void BatchEncoder::add(std::int32_t decoder, std::int64_t payload, double read_seconds,
                       std::string_view filename, std::string_view path, std::string_view identity) {
  put(out_, decoder);
  put(out_, payload);
  put(out_, read_seconds);
  put_text(out_, filename);
  put_text(out_, path);
  put_text(out_, identity);
  ++count_;
  std::memcpy(out_.data() + count_at_, &count_, sizeof count_);
}

void encode_batch(const PhotoBatch& batch, std::string& out) {
  BatchEncoder encoder(out, batch.first, batch.seq);
  for (const BatchPhoto& p : batch.photos)
    encoder.add(p.decoder, p.payload, p.read_seconds, p.filename, p.path, p.identity);
}

PhotoBatch decode_batch(std::string_view bytes) {
  Reader r(bytes);
  PhotoBatch batch;
  batch.first = r.get<std::int64_t>();
  batch.seq = r.get<std::int64_t>();
  const auto count = r.get<std::uint32_t>();
  if (batch.first < 0 || batch.seq < 0 || count == 0 || count > r.left() / kPhotoFixed)
    throw std::runtime_error("malformed batch of photos");
  batch.photos.resize(count);
  for (BatchPhoto& p : batch.photos) {
    p.decoder = r.get<std::int32_t>();
    p.payload = r.get<std::int64_t>();
    p.read_seconds = r.get<double>();
    p.filename = r.text();
    p.path = r.text();
    p.identity = r.text();
  }
  if (r.left() != 0) throw std::runtime_error("malformed batch of photos");
  return batch;
}

}  // namespace photoscore
