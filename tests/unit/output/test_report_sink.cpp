// The HTML report's base64 and escaping.
#include <gtest/gtest.h>

#include "output/markup.hpp"
#include "output/report_sink.hpp"

namespace photoscore {
namespace {

TEST(Report, Base64AndEscaping) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(markup_escaped("<a href=\"x\">&'\n"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&#10;");
}

}  // namespace
}  // namespace photoscore
