// The HTML report: base64 and escaping, the links to the photos, and a page
// written from rows (counts, notes as sentences, the cards' EXIF details).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "output/markup.hpp"
#include "output/report_sink.hpp"
#include "support/sample_rows.hpp"
#include "support/temp_dir.hpp"

namespace photoscore {
namespace {

using test_support::TempDir;

TEST(Report, Base64AndEscaping) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(markup_escaped("<a href=\"x\">&'\n"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&#10;");
}

// The photo from the page's folder, however either was named, every byte
// outside RFC 3986's unreserved set and '/' percent-encoded.
TEST(Report, LinksRelativeToThePagesFolder) {
  EXPECT_EQ(relative_href("", "photos/a.jpg"), "photos/a.jpg");
  EXPECT_EQ(relative_href(".", "./photos/./a.jpg"), "photos/a.jpg");
  EXPECT_EQ(relative_href("out/pages", "photos/a.jpg"), "../../photos/a.jpg");
  EXPECT_EQ(relative_href("/srv/reports", "/data/card/DCIM/IMG 1.JPG"), "../../data/card/DCIM/IMG%201.JPG");
  EXPECT_EQ(relative_href("/data/card", "/data/card/a#1?.jpg"), "a%231%3F.jpg");
  EXPECT_EQ(relative_href("", "50%.jpg"), "50%25.jpg");
  EXPECT_EQ(relative_href("", "c:d\".jpg"), "c%3Ad%22.jpg");  // no scheme, no attribute's end
  EXPECT_EQ(relative_href("", "caf\xc3\xa9 \xff.jpg"), "caf%C3%A9%20%FF.jpg");
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void set_label(ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers, const std::string& field,
               const std::string& value) {
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    for (std::size_t f = 0; f < analyzers[a]->fields.size(); ++f) {
      if (analyzers[a]->fields[f].name == field) row.results[a].values[f] = value;
    }
  }
}

TEST(Report, CardsLinkThePhotosAndShowTheirExif) {
  TempDir dir;
  const auto analyzers = test_support::specs({"sharpness", "exposure"});
  const std::string page = (dir.path() / "out" / "r.html").string();
  std::filesystem::create_directories(dir.path() / "out");
  ExifDetails exif;
  exif.taken = "2024-05-01 12:34:56";
  exif.camera = "Maker <X>";
  exif.exposure = "1/250 s, f/2.8";
  ReportSink sink(page, analyzers, 10, [&](const std::string& path) {
    Thumbnail t;
    if (path.find("a b.jpg") != std::string::npos) t.exif = exif;
    return t;
  });
  RunInfo info;
  info.images = 2;
  info.errors = 1;
  sink.open(info);
  ScoredRow ok = test_support::sample_row(analyzers, "a b.jpg", 640, 0.7, 1.5, 1.0, "");
  ok.path = (dir.path() / "photos" / "a b.jpg").string();
  set_label(ok, analyzers, "sharpness_verdict", "sharp");
  set_label(ok, analyzers, "exposure_verdict", "good");
  sink.write(ok, {});
  ScoredRow bad;
  bad.filename = "bad.jpg";
  bad.path = (dir.path() / "photos" / "bad.jpg").string();
  bad.error = "truncated JPEG";
  sink.write(bad, {});
  sink.close(info);
  const std::string html = read_all(page);
  EXPECT_NE(html.find("2 photos scored"), std::string::npos);
  EXPECT_NE(html.find(", 1 error</p>"), std::string::npos);
  EXPECT_EQ(html.find("1 errors"), std::string::npos);
  // Both photos, by thumbnail and by name, from out/ to photos/.
  EXPECT_NE(html.find("<a class=\"pic\" href=\"../photos/a%20b.jpg\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"../photos/a%20b.jpg\">a b.jpg</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"../photos/bad.jpg\">bad.jpg</a>"), std::string::npos);
  // The notes as sentences: "throughout. Well exposed", never run together.
  EXPECT_NE(html.find("clear detail throughout. <br>Well exposed"), std::string::npos) << html;
  EXPECT_EQ(html.find("throughout<br>"), std::string::npos);
  EXPECT_NE(
      html.find(
          "<span class=\"taken\">2024-05-01 12:34:56</span> <span class=\"camera\">Maker &lt;X&gt;</span> "
          "<span class=\"exposure\">1/250 s, f/2.8</span>"),
      std::string::npos);
  EXPECT_EQ(html.find("class=\"exif\""), html.rfind("class=\"exif\""));  // the error row has none
}

}  // namespace
}  // namespace photoscore
