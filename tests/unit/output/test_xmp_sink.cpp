// XMP ratings and colour labels by verdict, and the sidecars' names.
#include <gtest/gtest.h>

#include "output/xmp_sink.hpp"

namespace photoscore {
namespace {

TEST(Xmp, RatingsLabelsAndSidecarNames) {
  EXPECT_EQ(xmp_rating(Verdict::PostIt), 5);
  EXPECT_EQ(xmp_rating(Verdict::Maybe), 3);
  EXPECT_EQ(xmp_rating(Verdict::Delete), -1);
  EXPECT_STREQ(xmp_label(Verdict::PostIt), "Green");
  EXPECT_STREQ(xmp_label(Verdict::Maybe), "Yellow");
  EXPECT_STREQ(xmp_label(Verdict::Delete), "Red");
  EXPECT_EQ(XmpSink::sidecar_path("a/IMG_1.JPG", XmpSink::Naming::PhotoExtXmp), "a/IMG_1.JPG.xmp");
  EXPECT_EQ(XmpSink::sidecar_path("a/IMG_1.JPG", XmpSink::Naming::PhotoXmp), "a/IMG_1.xmp");
  EXPECT_EQ(XmpSink::sidecar_path("a.b/README", XmpSink::Naming::PhotoXmp), "a.b/README.xmp");
}

}  // namespace
}  // namespace photoscore
