// The names of the links --link-dir makes: flat, injective, within NAME_MAX.
#include <gtest/gtest.h>

#include <string>

#include "output/link_sink.hpp"

namespace photoscore {
namespace {

TEST(Links, LongNamesCutSafely) {
  const std::string folder(200, 'd');
  const std::string a = folder + "/" + std::string(100, 'f') + ".png";
  const std::string b = folder + "/" + std::string(100, 'f') + "g.png";
  const std::string na = LinkSink::link_name(a);
  const std::string nb = LinkSink::link_name(b);
  EXPECT_EQ(na.size(), 255u);
  EXPECT_LE(nb.size(), 255u);
  EXPECT_NE(na, nb);  // the same first 200-odd bytes, told apart by the digest
  EXPECT_EQ(na.substr(na.size() - 4), ".png");
  EXPECT_NE(na.find("%~"), std::string::npos);
  // Cut inside a character? Never: a name of 3-byte characters stays UTF-8.
  std::string euro;
  for (int i = 0; i < 100; ++i) euro += "\xE2\x82\xAC";
  const std::string ne = LinkSink::link_name(euro + ".jpg");
  std::size_t k = ne.find("%~");
  ASSERT_NE(k, std::string::npos);
  EXPECT_EQ(k % 3, 0u);
}

TEST(Links, SubfoldersFlattened) {
  EXPECT_EQ(LinkSink::link_name("DCIM/100CANON/IMG_1.JPG"), "DCIM%2F100CANON%2FIMG_1.JPG");
  EXPECT_EQ(LinkSink::link_name("x.jpg"), "x.jpg");
  // Injective: the two names "__" made one stay two, and '%'
  // itself is encoded so no name can pass for an encoded one.
  EXPECT_NE(LinkSink::link_name("x/y__IMG.png"), LinkSink::link_name("x__y/IMG.png"));
  EXPECT_EQ(LinkSink::link_name("x/y__IMG.png"), "x%2Fy__IMG.png");
  EXPECT_NE(LinkSink::link_name("a%2Fb.png"), LinkSink::link_name("a/b.png"));
  EXPECT_EQ(LinkSink::link_name("a%2Fb.png"), "a%252Fb.png");
}

}  // namespace
}  // namespace photoscore
