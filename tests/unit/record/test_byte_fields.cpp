// FieldReader (record/byte_fields.hpp), which every message between ranks
// is read with: fields in order, and a message cut short is an error in the
// message's own words, never a read past its end.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "record/byte_fields.hpp"

namespace photoscore {
namespace {

std::string message() {
  std::string out;
  put_field(out, std::int32_t{-7});
  put_field(out, 2.5);
  put_text_field(out, "rocket.jpg");
  out += "tail";
  return out;
}

TEST(FieldReader, ReadsFieldsInOrderAndKnowsWhatIsLeft) {
  const std::string bytes = message();
  FieldReader r(bytes, "cut short");
  EXPECT_EQ(r.get<std::int32_t>(), -7);
  EXPECT_EQ(r.get<double>(), 2.5);
  EXPECT_EQ(r.text(), "rocket.jpg");
  EXPECT_EQ(r.at(), bytes.size() - 4);
  EXPECT_EQ(r.left(), 4u);
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.view(4), "tail");
  EXPECT_TRUE(r.done());
}

TEST(FieldReader, BytesThatEndTooSoonAreTheMessagesOwnError) {
  const std::string bytes = message();
  const auto error_of = [](auto read) -> std::string {
    try {
      read();
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of([&] {
              FieldReader(std::string_view(bytes).substr(0, 3), "batch cut short").get<std::int32_t>();
            }),
            "batch cut short");
  // The text's length says more than is there.
  EXPECT_EQ(error_of([&] {
              FieldReader r(std::string_view(bytes).substr(0, 4 + 8 + 4 + 5), "rows cut short");
              r.get<std::int32_t>();
              r.get<double>();
              r.text();
            }),
            "rows cut short");
  EXPECT_EQ(error_of([&] {
              FieldReader r(bytes, "block cut short");
              r.view(bytes.size() + 1);
            }),
            "block cut short");
}

}  // namespace
}  // namespace photoscore
