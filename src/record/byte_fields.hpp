#pragma once
// Fixed-size values and length-prefixed text in a byte string: what the
// messages between ranks are made of (batches, blocks of rows, block
// reports). Values travel in the host's byte order: every rank of a job
// runs the same binary on the same kind of machine.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace photoscore {

template <typename T>
void put_field(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// A uint32 length, then the text.
inline void put_text_field(std::string& out, std::string_view text) {
  put_field(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

// The value at byte `at` of `bytes`, `at` moved past it; std::runtime_error
// with `what` when the bytes end first.
template <typename T>
T get_field(std::string_view bytes, std::size_t& at, const char* what) {
  if (bytes.size() - at < sizeof(T)) throw std::runtime_error(what);
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  at += sizeof value;
  return value;
}

// The text in place, valid as long as `bytes`.
inline std::string_view get_text_view_field(std::string_view bytes, std::size_t& at, const char* what) {
  const auto n = get_field<std::uint32_t>(bytes, at, what);
  if (bytes.size() - at < n) throw std::runtime_error(what);
  const std::string_view text = bytes.substr(at, n);
  at += n;
  return text;
}

inline std::string get_text_field(std::string_view bytes, std::size_t& at, const char* what) {
  return std::string(get_text_view_field(bytes, at, what));
}

// The fields of one message read in order: every reader of a message is
// this, with the message's own words for bytes that end too soon.
class FieldReader {
 public:
  FieldReader(std::string_view bytes, const char* cut_short) : bytes_(bytes), cut_short_(cut_short) {}

  template <typename T>
  T get() {
    return get_field<T>(bytes_, at_, cut_short_);
  }
  std::string text() { return get_text_field(bytes_, at_, cut_short_); }
  // The next `n` bytes in place, valid as long as the message.
  std::string_view view(std::size_t n) {
    if (left() < n) throw std::runtime_error(cut_short_);
    const std::string_view out = bytes_.substr(at_, n);
    at_ += n;
    return out;
  }

  std::size_t left() const { return bytes_.size() - at_; }
  bool done() const { return at_ == bytes_.size(); }
  // For the readers of larger fields that take (bytes, at, what), such as
  // record/result_fields.hpp's.
  std::string_view bytes() const { return bytes_; }
  std::size_t& at() { return at_; }
  const char* cut_short() const { return cut_short_; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
  const char* cut_short_;
};

}  // namespace photoscore
