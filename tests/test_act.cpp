// Issue 12's output pieces in isolation: the progress line, sidecar and
// link names, XMP ratings, base64, the UTF-8 decision, the timing table's
// alignment, the /scores column docs and thumbnails.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "app/weights_warning.hpp"
#include "image/decode.hpp"
#include "image/thumbnail.hpp"
#include "output/column_docs.hpp"
#include "output/link_sink.hpp"
#include "output/markup.hpp"
#include "output/progress.hpp"
#include "output/report_sink.hpp"
#include "output/row_schema.hpp"
#include "output/text_style.hpp"
#include "output/timing_table.hpp"
#include "output/verdict_tally.hpp"
#include "output/xmp_sink.hpp"

namespace photoscore {
namespace {

std::string read_back(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  return text;
}

TEST(Progress, LineSaysDoneTotalRateAndEta) {
  EXPECT_EQ(ProgressSink::line(120, 1000, 4.0),
            "120/1,000 photos (12.0 %), 30.0 images/s, ETA 29 s, elapsed 4 s");
  EXPECT_EQ(ProgressSink::line(100000, 100000, 7200.0),
            "100,000/100,000 photos (100.0 %), 13.9 images/s, elapsed 2 h 00 min");
  EXPECT_EQ(ProgressSink::line(5, 0, 0.0), "5 photos, 0.0 images/s, elapsed 0 s");
}

TEST(Progress, BatchLogGetsLinesOnlyWhenDue) {
  std::FILE* f = std::tmpfile();
  ProgressSink sink(f, false, 3600.0);
  RunInfo info;
  info.total = 3;
  sink.open(info);
  for (int i = 0; i < 3; ++i) sink.write(ScoredRow{}, ImageTiming{});
  sink.close(info);
  // A run shorter than the interval logs nothing, not even a last line.
  EXPECT_EQ(read_back(f), "");
  std::fclose(f);
}

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

// The words every output writes, in the outputs' order, and back.
TEST(Verdicts, NamesInOrderAndBack) {
  std::vector<std::string> names;
  for (Verdict v : kVerdicts) {
    names.emplace_back(verdict_name(v));
    EXPECT_EQ(verdict_named(verdict_name(v)), v);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"post_it", "maybe", "delete", "error"}));
  EXPECT_FALSE(verdict_named("Post_it").has_value());
  EXPECT_FALSE(verdict_named("").has_value());
}

// The dashboard's and the summary's tally: counts per verdict, errors
// apart, and the best few, best first, an equal score keeping the one that
// came first (file order, whatever the mode).
TEST(VerdictTally, CountsAndBestShotsInFileOrderAmongEquals) {
  VerdictTally tally(3);
  tally.add(Verdict::Maybe, 0.4, "a.jpg");
  tally.add(Verdict::PostIt, 0.8, "b.jpg");
  tally.add(Verdict::Error, 0.0, "broken.jpg");
  tally.add(Verdict::Maybe, 0.4, "c.jpg");
  tally.add(Verdict::PostIt, 0.9, "d.jpg");
  tally.add(Verdict::Delete, 0.1, "e.jpg");
  tally.add(Verdict::Maybe, 0.4, "f.jpg");
  EXPECT_EQ(tally.count(Verdict::PostIt), 2);
  EXPECT_EQ(tally.count(Verdict::Maybe), 3);
  EXPECT_EQ(tally.count(Verdict::Delete), 1);
  EXPECT_EQ(tally.count(Verdict::Error), 1);
  std::vector<std::string> best;
  for (const VerdictTally::Shot& shot : tally.best()) best.push_back(shot.filename);
  EXPECT_EQ(best, (std::vector<std::string>{"d.jpg", "b.jpg", "a.jpg"}));
  tally.clear();
  EXPECT_EQ(tally.count(Verdict::Maybe), 0);
  EXPECT_TRUE(tally.best().empty());
}

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
  // Injective: the two names "__" made one (issue 22) stay two, and '%'
  // itself is encoded so no name can pass for an encoded one.
  EXPECT_NE(LinkSink::link_name("x/y__IMG.png"), LinkSink::link_name("x__y/IMG.png"));
  EXPECT_EQ(LinkSink::link_name("x/y__IMG.png"), "x%2Fy__IMG.png");
  EXPECT_NE(LinkSink::link_name("a%2Fb.png"), LinkSink::link_name("a/b.png"));
  EXPECT_EQ(LinkSink::link_name("a%2Fb.png"), "a%252Fb.png");
}

TEST(Report, Base64AndEscaping) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(markup_escaped("<a href=\"x\">&'\n"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&#10;");
}

TEST(TextStyle, Utf8FromTheFirstSetLocaleVariable) {
  const auto set = [](const char* all, const char* ctype, const char* lang) {
    all ? setenv("LC_ALL", all, 1) : unsetenv("LC_ALL");
    ctype ? setenv("LC_CTYPE", ctype, 1) : unsetenv("LC_CTYPE");
    lang ? setenv("LANG", lang, 1) : unsetenv("LANG");
  };
  set(nullptr, nullptr, "en_US.UTF-8");
  EXPECT_TRUE(utf8_locale());
  set("C", nullptr, "en_US.UTF-8");
  EXPECT_FALSE(utf8_locale());
  set(nullptr, "de_DE.utf8", "C");
  EXPECT_TRUE(utf8_locale());
  set(nullptr, nullptr, nullptr);
  EXPECT_FALSE(utf8_locale());
  // A file is never a terminal: plain ASCII whatever the locale.
  set(nullptr, nullptr, "en_US.UTF-8");
  std::FILE* f = std::tmpfile();
  EXPECT_FALSE(text_style(f, false).unicode);
  EXPECT_FALSE(text_style(f, false).color);
  std::fclose(f);
}

TEST(TimingTable, HeadersOverTheirColumnsUncut) {
  RunInfo info;
  RankTiming t;
  t.rank = 3;
  t.role = "analyzer[sharpness,exposure,composition]";
  t.analyze = {1, 2, 3};
  info.rank_timings = {t};
  std::FILE* f = std::tmpfile();
  print_timing_table(f, info, {"sharpness", "exposure", "composition"});
  std::istringstream lines(read_back(f));
  std::fclose(f);
  std::string title, header, row;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_NE(header.find("composition"), std::string::npos);
  EXPECT_EQ(header.find("role"), row.find("analyzer["));
  // Right-aligned numbers end where their header ends.
  EXPECT_EQ(header.find("wall") + 4, row.find(".000") + 4);
  EXPECT_EQ(header.size(), row.size());
}

// Every column of every profile (the calibrated one's own fields included)
// says what it holds: its own description, never the generic one, and no
// two columns share one (a copied line would say the wrong thing of one).
TEST(ColumnDocs, EveryColumnOfEveryProfileDescribed) {
  const std::string generic = column_doc("no such column").description;
  for (const Profile& profile : all_profiles()) {
    std::vector<const AnalyzerSpec*> analyzers;
    for (const auto& a : profile.analyzers) analyzers.push_back(&a);
    const RowSchema schema(analyzers);
    std::set<std::string> seen;
    for (const Column& c : schema.columns()) {
      EXPECT_FALSE(c.description.empty()) << profile.name << ": " << c.name;
      EXPECT_NE(c.description, generic) << profile.name << ": " << c.name;
      EXPECT_TRUE(seen.insert(c.description).second)
          << profile.name << ": " << c.name << " shares its description";
    }
    EXPECT_EQ(schema.columns().size(), seen.size());
  }
  // The calibrated profile's own fields, which the fixed list never knew.
  const Profile* calibrated = find_profile("calibrated");
  ASSERT_NE(calibrated, nullptr);
  std::vector<const AnalyzerSpec*> analyzers;
  for (const auto& a : calibrated->analyzers) analyzers.push_back(&a);
  const RowSchema calibrated_schema(analyzers);
  std::set<std::string> names;
  for (const Column& c : calibrated_schema.columns()) names.insert(c.name);
  for (const char* own : {"white_point", "noise_sigma", "jpeg_blocking"})
    EXPECT_EQ(names.count(own), 1u) << own;
}

TEST(ColumnDocs, UnitsOfFixedColumnsAndFields) {
  EXPECT_EQ(column_doc("width").unit, "pixel");
  EXPECT_EQ(column_doc("quality_score").unit, "1");
  std::vector<const AnalyzerSpec*> analyzers;
  for (const auto& a : all_analyzers()) analyzers.push_back(&a);
  const RowSchema schema(analyzers);
  std::map<std::string, std::string> unit_of;
  for (const Column& c : schema.columns()) unit_of[c.name] = c.unit;
  EXPECT_EQ(unit_of.at("laplacian_var"), "gray level^2");
  EXPECT_EQ(unit_of.at("sharpness_verdict"), "");
  EXPECT_EQ(unit_of.at("colorfulness"), "1");
  EXPECT_EQ(unit_of.at("height"), "pixel");
}

TEST(Thumbnail, FitsTheLongerSideAndDecodes) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/astronaut_2048.jpg", std::ios::binary);
  const std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(raw.empty());
  const std::string jpeg =
      jpeg_thumbnail({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()}, 256);
  const RgbImage back = decode_image({reinterpret_cast<const std::uint8_t*>(jpeg.data()), jpeg.size()});
  EXPECT_EQ(std::max(back.width, back.height), 256);
  EXPECT_LT(jpeg.size(), 40000u);
}

TEST(Weights, WarnOnlyWhenTheyDoNotAddUpToOne) {
  MergePolicy policy;
  for (const auto& a : all_analyzers()) {
    if (a.enabled_by_default) policy.analyzers.push_back(&a);
  }
  policy.weights = {0.4, 0.4, 0.2};
  std::FILE* f = std::tmpfile();
  warn_about_weights(policy, f);
  EXPECT_EQ(read_back(f), "");
  policy.weights = {0.5, 0.4, 0.2};
  warn_about_weights(policy, f);
  const std::string text = read_back(f);
  std::fclose(f);
  EXPECT_NE(text.find("add up to 1.1, not 1"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
}

}  // namespace
}  // namespace photoscore
