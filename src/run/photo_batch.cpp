#include "run/photo_batch.hpp"

#include <cstring>
#include <stdexcept>

namespace photoscore {

namespace {

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_text(std::string& out, const std::string& text) {
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

void encode_batch(const PhotoBatch& batch, std::string& out) {
  out.clear();
  put(out, batch.first);
  put(out, batch.seq);
  put(out, static_cast<std::uint32_t>(batch.photos.size()));
  for (const BatchPhoto& p : batch.photos) {
    put(out, p.decoder);
    put(out, p.payload);
    put(out, p.read_seconds);
    put_text(out, p.filename);
    put_text(out, p.path);
    put_text(out, p.identity);
  }
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
