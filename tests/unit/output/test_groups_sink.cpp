// The groups file's sink (output/groups_sink.hpp): rows in, the groups'
// JSON lines out, with the degraded frame passed over as best and error rows
// keeping their place in file order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "output/groups_sink.hpp"
#include "output/link_sink.hpp"
#include "output/summary_json_sink.hpp"
#include "support/sample_rows.hpp"
#include "support/temp_dir.hpp"

namespace photoscore {
namespace {

using test_support::specs;
using test_support::TempDir;

void set_field(ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers, const std::string& name,
               const FieldValue& value) {
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    for (std::size_t f = 0; f < analyzers[a]->fields.size(); ++f) {
      if (analyzers[a]->fields[f].name == name) row.results[a].values[f] = value;
    }
  }
}

ScoredRow row(const std::vector<const AnalyzerSpec*>& analyzers, const std::string& name, const char* hash,
              const char* time, double quality) {
  ScoredRow r = test_support::sample_row(analyzers, name, 640, quality, 1.5, 1.0, "");
  set_field(r, analyzers, "sharpness_verdict", "sharp");
  set_field(r, analyzers, "exposure_verdict", "good");
  r.perceptual_hash = hash;
  r.capture_time = time;
  return r;
}

// The seed's analyzers and the calibrated profile's (which answer to the
// same names, with their own words).
std::vector<const AnalyzerSpec*> calibrated() {
  std::vector<const AnalyzerSpec*> out;
  for (const AnalyzerSpec& a : find_profile("calibrated")->analyzers) out.push_back(&a);
  return out;
}

TEST(GroupsSink, DegradedIsBlurryDarkOrClipped) {
  for (const auto& analyzers : {specs({"sharpness", "exposure"}), calibrated()}) {
    ScoredRow r = row(analyzers, "a.jpg", "0000000000000000", "", 0.5);
    EXPECT_FALSE(degraded_row(r, analyzers));
    set_field(r, analyzers, "exposure_verdict", "bright");
    EXPECT_FALSE(degraded_row(r, analyzers));
    for (const char* bad : {"dark", "clipped"}) {
      set_field(r, analyzers, "exposure_verdict", bad);
      EXPECT_TRUE(degraded_row(r, analyzers)) << bad;
    }
    set_field(r, analyzers, "exposure_verdict", "good");
    set_field(r, analyzers, "sharpness_verdict", "soft");
    EXPECT_FALSE(degraded_row(r, analyzers));
    set_field(r, analyzers, "sharpness_verdict", "blurry");
    EXPECT_TRUE(degraded_row(r, analyzers));
  }
}

TEST(GroupsSink, OneLinePerGroupInFileOrder) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  TempDir dir;
  const std::string path = (dir.path() / "groups.jsonl").string();
  GroupsSink sink(path, analyzers, GroupingSettings{});
  sink.open(RunInfo{});
  // A burst a, c (0.5 s later, 3 bits off, blurry but scored highest) and
  // e, an export of a without a time (1 bit off); d a different photo 0.5 s
  // after c; b an error row; f and g a duplicate pair without times.
  ScoredRow a = row(analyzers, "a.jpg", "5a5af00f3cc39669", "2024-05-01T12:00:00.0+02:00", 0.5);
  ScoredRow b;
  b.filename = "b.jpg";
  b.error = "truncated";
  ScoredRow c = row(analyzers, "c.jpg", "5a5af00f3cc39660", "2024-05-01T12:00:00.5+02:00", 0.9);
  set_field(c, analyzers, "sharpness_verdict", "blurry");
  ScoredRow d = row(analyzers, "d.jpg", "a5a50ff0c33c6996", "2024-05-01T12:00:01.0+02:00", 0.7);
  ScoredRow e = row(analyzers, "e.jpg", "5a5af00f3cc39668", "", 0.4);
  ScoredRow f = row(analyzers, "f.png", "0123456789abcdef", "", 0.6);
  ScoredRow g = row(analyzers, "g.png", "0123456789abcdee", "", 0.6);
  sink.resume(a);  // a row kept from an earlier run counts in file order like the others
  for (const ScoredRow* r : {&b, &c, &d, &e, &f, &g}) sink.write(*r, ImageTiming{});
  const std::string expected = R"({"kind":"burst","members":["a.jpg","c.jpg","e.jpg"],"best":"a.jpg"})"
                               "\n"
                               R"({"kind":"duplicate","members":["f.png","g.png"],"best":"f.png"})"
                               "\n";
  EXPECT_EQ(sink.text(), expected);
  sink.close(RunInfo{});
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), expected);
}

// The frames are compared on the rows' sharpness_score and mean_brightness,
// in both profiles: a frame far softer or darker than the others is not the
// best, though its own verdicts say nothing against it.
TEST(GroupsSink, FramesAreComparedOnTheirSharpnessAndBrightness) {
  for (const auto& analyzers : {specs({"sharpness", "exposure", "composition"}), calibrated()}) {
    TempDir dir;
    GroupsSink sink((dir.path() / "g.jsonl").string(), analyzers, GroupingSettings{});
    sink.open(RunInfo{});
    ScoredRow a = row(analyzers, "a.jpg", "5a5af00f3cc39669", "2024-05-01T12:00:00.0+02:00", 0.5);
    ScoredRow b = row(analyzers, "b.jpg", "5a5af00f3cc39668", "2024-05-01T12:00:00.3+02:00", 0.9);
    ScoredRow c = row(analyzers, "c.jpg", "5a5af00f3cc39660", "2024-05-01T12:00:00.6+02:00", 0.8);
    for (ScoredRow* r : {&a, &b, &c}) {
      set_field(*r, analyzers, "sharpness_score", 0.1);
      set_field(*r, analyzers, "mean_brightness", 0.5);
    }
    set_field(b, analyzers, "sharpness_score", 0.001);  // blurred next to a and c
    set_field(c, analyzers, "mean_brightness", 0.15);   // dark next to a and b
    for (const ScoredRow* r : {&a, &b, &c}) sink.write(*r, ImageTiming{});
    EXPECT_EQ(sink.text(), R"({"kind":"burst","members":["a.jpg","b.jpg","c.jpg"],"best":"a.jpg"})"
                           "\n");
  }
}

// What travels from the rank that scored a row: a byte for a row that takes
// no part, the grouping's fields and the filename for one that does; bytes
// cut short are refused, not read past.
TEST(GroupsSink, RowsTravelAsTheGroupingsFields) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const auto formatter = make_row_formatter(RowFormat::Grouping, default_context(analyzers));
  ScoredRow error_row;
  error_row.filename = "b.jpg";
  std::string bytes;
  formatter->format(error_row, ImageTiming{}, 0, bytes);
  EXPECT_EQ(bytes, std::string(1, '\0'));
  formatter->format(row(analyzers, "a.jpg", "5a5af00f3cc39669", "2024-05-01T12:00:00.5Z", 0.5), ImageTiming{},
                    1, bytes);
  // One byte, 8 of hash, 8 of time, 8 of quality, 4 and 4 of sharpness and
  // brightness, 1 degraded, then the filename (a 4-byte length and 5 bytes).
  EXPECT_EQ(bytes.size(), 1u + 1 + 8 + 8 + 8 + 4 + 4 + 1 + 4 + 5);
  TempDir dir;
  GroupsSink sink((dir.path() / "g.jsonl").string(), analyzers, GroupingSettings{});
  sink.open(RunInfo{});
  EXPECT_THROW(sink.append(std::string_view(bytes).substr(0, bytes.size() - 1), 2), std::runtime_error);
  EXPECT_THROW(sink.append(bytes, 1), std::runtime_error);  // a row's bytes left over
}

TEST(GroupsSink, RowsWithoutAHashTakeNoPart) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  GroupsSink sink((dir.path() / "g.jsonl").string(), analyzers, GroupingSettings{});
  sink.open(RunInfo{});
  sink.write(row(analyzers, "a.jpg", "", "", 0.5), ImageTiming{});
  sink.write(row(analyzers, "b.jpg", "", "", 0.5), ImageTiming{});
  sink.write(row(analyzers, "c.jpg", "not hex at all!!", "", 0.5), ImageTiming{});
  EXPECT_EQ(sink.text(), "");
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One grouping for the run: the groups file's sink feeds it, the summary
// and the links read the same answer at close. A burst a, b (b blurry, so a
// is the best) and a duplicate pair c, d (d scored higher); e alone. An
// earlier run's link to a among the others goes when a's row comes, and
// only the members that are not their group's best are linked there.
TEST(GroupsSink, OneGroupingShownByTheOtherSinks) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  TempDir dir;
  auto grouping = std::make_shared<RunGrouping>(analyzers, GroupingSettings{});
  const std::filesystem::path links = dir.path() / "links";
  SinkSet sinks;
  sinks.add(std::make_unique<SummaryJsonSink>((dir.path() / "s.json").string(), grouping));
  sinks.add(std::make_unique<LinkSink>(links.string(), nullptr, grouping));
  sinks.add(
      std::make_unique<GroupsSink>((dir.path() / "g.jsonl").string(), default_context(analyzers), grouping));
  std::filesystem::create_symlink(dir.path() / "a.jpg", links / LinkSink::kNotBest / "a.jpg");
  ScoredRow a = row(analyzers, "a.jpg", "5a5af00f3cc39669", "2024-05-01T12:00:00.0+02:00", 0.5);
  ScoredRow b = row(analyzers, "b.jpg", "5a5af00f3cc39660", "2024-05-01T12:00:00.5+02:00", 0.9);
  set_field(b, analyzers, "sharpness_verdict", "blurry");
  ScoredRow c = row(analyzers, "c.png", "0123456789abcdef", "", 0.4);
  ScoredRow d = row(analyzers, "d.png", "0123456789abcdee", "", 0.6);
  ScoredRow e = row(analyzers, "e.png", "fedcba9876543210", "", 0.6);
  RunInfo info;
  info.groups = (dir.path() / "g.jsonl").string();
  sinks.open(info);
  for (ScoredRow* r : {&a, &b, &c, &d, &e}) {
    r->path = (dir.path() / r->filename).string();
    sinks.write(*r, ImageTiming{});
  }
  sinks.close(info);
  EXPECT_EQ(read_all(dir.path() / "g.jsonl"),
            R"({"kind":"burst","members":["a.jpg","b.jpg"],"best":"a.jpg"})"
            "\n"
            R"({"kind":"duplicate","members":["c.png","d.png"],"best":"d.png"})"
            "\n");
  const auto summary = nlohmann::json::parse(read_all(dir.path() / "s.json"));
  EXPECT_EQ(summary["groups"]["groups"], 2);
  EXPECT_EQ(summary["groups"]["bursts"], 1);
  EXPECT_EQ(summary["groups"]["duplicates"], 1);
  EXPECT_EQ(summary["groups"]["photos_in_groups"], 4);
  std::vector<std::string> linked;
  for (const auto& entry : std::filesystem::directory_iterator(links / LinkSink::kNotBest)) {
    linked.push_back(entry.path().filename().string());
    EXPECT_EQ(std::filesystem::read_symlink(entry.path()), dir.path() / entry.path().filename());
  }
  std::sort(linked.begin(), linked.end());
  EXPECT_EQ(linked, (std::vector<std::string>{"b.jpg", "c.png"}));
}

// Without a grouping, the summary has no groups and the links no not_best.
TEST(GroupsSink, NoGroupingNoGroupsShown) {
  TempDir dir;
  SummaryJsonSink summary((dir.path() / "s.json").string());
  LinkSink links((dir.path() / "links").string(), nullptr);
  summary.open(RunInfo{});
  summary.close(RunInfo{});
  EXPECT_FALSE(nlohmann::json::parse(read_all(dir.path() / "s.json")).contains("groups"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "links" / LinkSink::kNotBest));
}

}  // namespace
}  // namespace photoscore
