// A batch of photos as it travels to a worker.
#include <gtest/gtest.h>

#include <string>

#include "run/photo_batch.hpp"

namespace photoscore {
namespace {

TEST(PhotoBatch, TravelsAsBytesAndRefusesWhatIsNotOne) {
  PhotoBatch batch;
  batch.first = 41;
  batch.seq = 7;
  batch.photos.push_back({3, -1, 0.0, "a.jpg", "in/a.jpg"});
  batch.photos.push_back({2, 1234, 0.25, "b\nc.png", "in/b\nc.png"});
  std::string bytes;
  encode_batch(batch, bytes);
  const PhotoBatch back = decode_batch(bytes);
  EXPECT_EQ(back.first, 41);
  EXPECT_EQ(back.seq, 7);
  ASSERT_EQ(back.photos.size(), 2u);
  EXPECT_EQ(back.photos[1].decoder, 2);
  EXPECT_EQ(back.photos[1].payload, 1234);
  EXPECT_EQ(back.photos[1].read_seconds, 0.25);
  EXPECT_EQ(back.photos[1].filename, "b\nc.png");
  EXPECT_EQ(back.photos[0].path, "in/a.jpg");
  EXPECT_THROW(decode_batch(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  EXPECT_THROW(decode_batch(bytes + "x"), std::runtime_error);
  EXPECT_THROW(decode_batch(""), std::runtime_error);
}

}  // namespace
}  // namespace photoscore
