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

}  // namespace photoscore
