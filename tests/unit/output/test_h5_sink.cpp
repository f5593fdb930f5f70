// The HDF5 results file (H5Sink), read back with the HDF5 C API: every
// member of every row, the provenance attributes, the timing tables, and the
// write-then-rename that keeps a half-written file from ever sitting at the
// final path.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/h5_sink.hpp"
#include "output/row_json.hpp"
#include "support/sample_rows.hpp"
#include "support/temp_dir.hpp"
#include "support/with_source.hpp"

namespace photoscore {
namespace {

using test_support::specs;

using test_support::with_source;

namespace fs = std::filesystem;

// Every number distinct (seeded by `seed`), so a value in the wrong member
// shows. Labels are words the analyzers declare (an HDF5 label column is as
// wide as its longest word), taken in turn from `seed` on.
ScoredRow ok_row(const std::vector<const AnalyzerSpec*>& analyzers, const std::string& name, double seed) {
  ScoredRow row = test_support::sample_row(analyzers, name, 640 + static_cast<int>(seed), 0.374 + seed,
                                           seed + 0.125, 1.0, "_" + name);
  auto turn = static_cast<std::size_t>(seed);
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    for (std::size_t f = 0; f < analyzers[a]->fields.size(); ++f) {
      const auto& labels = analyzers[a]->fields[f].labels;
      if (!labels.empty()) row.results[a].values[f] = labels[turn++ % labels.size()];
    }
  }
  return row;
}


ScoredRow error_row(const std::string& name) {
  ScoredRow row;
  row.filename = name;
  row.path = "photos/" + name;
  row.ok = false;
  row.error = "truncated JPEG";
  return row;
}

ImageTiming timing_for(std::size_t i, std::size_t analyzers) {
  ImageTiming t;
  t.ranks = {1, 2, 3};
  t.read_seconds = 0.001 * static_cast<double>(i + 1);
  t.decode_seconds = 0.01 * static_cast<double>(i + 1);
  for (std::size_t a = 0; a < analyzers; ++a) t.analyzer_seconds.push_back(0.1 * static_cast<double>(a + 1));
  t.latency_seconds = 1.5 + static_cast<double>(i);
  return t;
}

RunInfo run_info(const std::vector<const AnalyzerSpec*>& analyzers) {
  RunInfo info;
  info.version = "1.2.3";
  info.git_hash = "abcdef123456";
  info.command_line = "photoscore --h5 x.h5 photos";
  info.input_dir = "photos";
  info.mode = Mode::Mpi;
  info.layout = Layout::Roles;
  info.ranks = 2;
  info.threads_per_rank = 4;
  info.hosts = {"node1", "node2"};
  info.start_time = "2024-01-02T03:04:05Z";
  info.end_time = "2024-01-02T03:04:09Z";
  info.wall_seconds = 4.25;
  info.images = 3;
  info.errors = 1;
  for (const auto* a : analyzers) {
    info.analyzers.push_back(a->name);
    info.weights.push_back(a->weight);
  }
  info.post_it_above = 0.55;
  info.maybe_above = 0.25;
  info.shard = "0/2";
  info.slurm_job_id = "";
  info.plan = "rank 0: source+merger";
  info.read = "rank0";
  for (int r = 0; r < 2; ++r) {
    RankTiming t;
    t.rank = r;
    t.role = r == 0 ? "source+merger" : "worker";
    t.host = r == 0 ? "node1" : "node2";
    t.wall = 4.0;
    t.read = 0.5;
    t.comm = 0.25;
    t.wait = 0.125;
    t.decode = 1.0;
    for (std::size_t a = 0; a < analyzers.size(); ++a) t.analyze.push_back(0.25 * static_cast<double>(a + 1));
    t.merge = 0.0625;
    t.write = 0.03125;
    t.cpu = 2.5;
    t.busy_cpu = r == 0 ? 0.75 : 1.5;
    t.preempted = r == 0 ? 7 : 3'000'000'000;  // past 2^31: int64 in the file
    t.images = 3 - r;
    t.bytes_sent = r == 0 ? 3'000'000'000 : 1000;  // past 2^31: int64 in the file
    t.peak_memory = (r + 1) * 1'048'576;
    t.stage_threads = r + 1;  // rank 1's stages as thread mode's: summed over 2 threads
    info.rank_timings.push_back(t);
  }
  return info;
}

using photoscore::test_support::TempDir;

// --- Reading back with the C API -------------------------------------------

struct File {
  explicit File(const fs::path& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~File() {
    if (id >= 0) H5Fclose(id);
  }
  hid_t id;
};

std::vector<std::string> member_names(hid_t file, const char* dataset) {
  const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hid_t t = H5Dget_type(d);
  std::vector<std::string> out;
  for (int i = 0; i < H5Tget_nmembers(t); ++i) {
    char* name = H5Tget_member_name(t, static_cast<unsigned>(i));
    out.emplace_back(name);
    H5free_memory(name);
  }
  H5Tclose(t);
  H5Dclose(d);
  return out;
}

hsize_t row_count(hid_t file, const char* dataset) {
  const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(s, &n, nullptr);
  H5Sclose(s);
  H5Dclose(d);
  return n;
}

// One member of a compound dataset, read through a one-member memory type
// (HDF5 matches members by name).
template <typename T>
std::vector<T> read_member(hid_t file, const char* dataset, const std::string& member, hid_t native) {
  const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hsize_t n = row_count(file, dataset);
  const hid_t mt = H5Tcreate(H5T_COMPOUND, sizeof(T));
  H5Tinsert(mt, member.c_str(), 0, native);
  std::vector<T> out(n);
  EXPECT_GE(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << dataset << "." << member;
  H5Tclose(mt);
  H5Dclose(d);
  return out;
}

std::vector<double> doubles(hid_t file, const char* dataset, const std::string& member) {
  return read_member<double>(file, dataset, member, H5T_NATIVE_DOUBLE);
}

std::vector<std::int64_t> ints(hid_t file, const char* dataset, const std::string& member) {
  return read_member<std::int64_t>(file, dataset, member, H5T_NATIVE_INT64);
}

// A text member, read as it is stored: fixed-length and null-padded (the
// per-photo tables), or variable-length (/timing/ranks); UTF-8 either way.
std::vector<std::string> strings(hid_t file, const char* dataset, const std::string& member) {
  const hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hid_t t = H5Dget_type(d);
  const hid_t m = H5Tget_member_type(t, static_cast<unsigned>(H5Tget_member_index(t, member.c_str())));
  EXPECT_EQ(H5Tget_cset(m), H5T_CSET_UTF8) << dataset << "." << member;
  const bool variable = H5Tis_variable_str(m) > 0;
  const std::size_t width = H5Tget_size(m);
  H5Tclose(m);
  H5Tclose(t);
  H5Dclose(d);
  std::vector<std::string> out;
  if (!variable) {
    EXPECT_EQ(std::string(dataset).rfind("timing/ranks", 0), std::string::npos) << "per-rank text is variable";
    const hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, width);
    H5Tset_strpad(st, H5T_STR_NULLPAD);
    H5Tset_cset(st, H5T_CSET_UTF8);
    const hid_t dd = H5Dopen2(file, dataset, H5P_DEFAULT);
    const hsize_t n = row_count(file, dataset);
    const hid_t mt = H5Tcreate(H5T_COMPOUND, width);
    H5Tinsert(mt, member.c_str(), 0, st);
    std::vector<char> raw(n * width);
    EXPECT_GE(H5Dread(dd, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0) << dataset << "." << member;
    for (hsize_t i = 0; i < n; ++i) {
      const char* p = raw.data() + i * width;
      out.emplace_back(p, strnlen(p, width));
    }
    H5Tclose(mt);
    H5Dclose(dd);
    H5Tclose(st);
    return out;
  }
  const hid_t st = H5Tcopy(H5T_C_S1);
  H5Tset_size(st, H5T_VARIABLE);
  H5Tset_cset(st, H5T_CSET_UTF8);
  std::vector<char*> raw = read_member<char*>(file, dataset, member, st);
  for (char* p : raw) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  H5Tclose(st);
  return out;
}

bool has_attr(hid_t file, const char* name) { return H5Aexists_by_name(file, "/run", name, H5P_DEFAULT) > 0; }

std::string str_attr(hid_t file, const char* name) {
  const hid_t a = H5Aopen_by_name(file, "/run", name, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t t = H5Aget_type(a);
  EXPECT_TRUE(H5Tis_variable_str(t) > 0) << name;
  EXPECT_EQ(H5Tget_cset(t), H5T_CSET_UTF8) << name;
  const hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, H5T_VARIABLE);
  H5Tset_cset(mt, H5T_CSET_UTF8);
  char* p = nullptr;
  H5Aread(a, mt, &p);
  std::string out = p ? p : "";
  H5free_memory(p);
  H5Tclose(mt);
  H5Tclose(t);
  H5Aclose(a);
  return out;
}

std::vector<std::string> str_array_attr(hid_t file, const char* name, const char* object = "/run") {
  const hid_t a = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t s = H5Aget_space(a);
  hsize_t n = 0;
  EXPECT_EQ(H5Sget_simple_extent_ndims(s), 1) << name;
  H5Sget_simple_extent_dims(s, &n, nullptr);
  const hid_t mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, H5T_VARIABLE);
  H5Tset_cset(mt, H5T_CSET_UTF8);
  std::vector<char*> raw(n);
  H5Aread(a, mt, raw.data());
  std::vector<std::string> out;
  for (char* p : raw) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  H5Tclose(mt);
  H5Sclose(s);
  H5Aclose(a);
  return out;
}

std::vector<double> num_attr(hid_t file, const char* name) {
  const hid_t a = H5Aopen_by_name(file, "/run", name, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t s = H5Aget_space(a);
  const hssize_t n = H5Sget_simple_extent_npoints(s);
  std::vector<double> out(static_cast<std::size_t>(n));
  H5Aread(a, H5T_NATIVE_DOUBLE, out.data());
  H5Sclose(s);
  H5Aclose(a);
  return out;
}

// --- The tests ---------------------------------------------------------------

struct Case {
  std::vector<std::string> analyzers;
};

// Names the case in ctest's listing instead of its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  for (std::size_t i = 0; i < c.analyzers.size(); ++i) *os << (i ? "," : "") << c.analyzers[i];
}

class H5SinkRows : public ::testing::TestWithParam<Case> {};

TEST_P(H5SinkRows, EveryMemberOfEveryRowMatchesTheJsonl) {
  const auto analyzers = specs(GetParam().analyzers);
  TempDir dir;
  const fs::path path = dir.path() / "scores.h5";
  std::vector<ScoredRow> rows = {ok_row(analyzers, "a.jpg", 0.0), error_row("b.jpg"),
                                 ok_row(analyzers, "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93.png", 10.0)};
  const RunInfo info = run_info(analyzers);
  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    for (std::size_t i = 0; i < rows.size(); ++i) sink.write(rows[i], timing_for(i, analyzers.size()));
    // Until close() the results live only under the temporary name.
    EXPECT_FALSE(fs::exists(path));
    const fs::path partial = path.string() + ".partial-" + std::to_string(getpid());
    EXPECT_TRUE(fs::exists(partial));
    sink.close(info);
    EXPECT_FALSE(fs::exists(partial));
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.h5"});

  File f(path);
  ASSERT_GE(f.id, 0);
  ASSERT_EQ(row_count(f.id, "scores"), rows.size());

  // The members, in JSONL key order, and every value, against row_to_json.
  const auto members = member_names(f.id, "scores");
  const auto first = with_source(row_to_json(rows[0], analyzers));
  std::vector<std::string> keys;
  for (const auto& item : first.items()) keys.push_back(item.key());
  ASSERT_EQ(members, keys);

  for (const auto& item : first.items()) {
    const std::string& key = item.key();
    SCOPED_TRACE(key);
    if (key == "width" || key == "height") {
      const auto v = ints(f.id, "scores", key);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto j = nlohmann::json::parse(row_to_json(rows[i], analyzers));
        EXPECT_EQ(v[i], j[key].is_null() ? -1 : j[key].get<std::int64_t>()) << i;
      }
    } else if (item.value().is_number()) {
      const auto v = doubles(f.id, "scores", key);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto j = nlohmann::json::parse(row_to_json(rows[i], analyzers));
        if (j[key].is_null()) {
          EXPECT_TRUE(std::isnan(v[i])) << i;
        } else {
          EXPECT_EQ(v[i], j[key].get<double>()) << i;
        }
      }
    } else {
      const auto v = strings(f.id, "scores", key);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto j = nlohmann::json::parse(row_to_json(rows[i], analyzers));
        // A key the JSONL leaves out (source) is the table's empty text.
        const bool missing = !j.contains(key) || j.at(key).is_null();
        EXPECT_EQ(v[i], missing ? std::string() : j.at(key).get<std::string>()) << i;
      }
    }
  }
  EXPECT_EQ(strings(f.id, "scores", "status"), (std::vector<std::string>{"ok", "error", "ok"}));
  EXPECT_EQ(strings(f.id, "scores", "error"), (std::vector<std::string>{"", "truncated JPEG", ""}));
  EXPECT_EQ(ints(f.id, "scores", "width"), (std::vector<std::int64_t>{640, -1, 650}));

  // /timing/images: one row per photo, in row order.
  ASSERT_EQ(row_count(f.id, "timing/images"), rows.size());
  std::vector<std::string> image_members = {"index", "filename", "ranks", "read", "decode"};
  for (const auto* a : analyzers) image_members.push_back("analyze_" + a->name);
  image_members.push_back("latency");
  EXPECT_EQ(member_names(f.id, "timing/images"), image_members);
  EXPECT_EQ(ints(f.id, "timing/images", "index"), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(strings(f.id, "timing/images", "filename")[2], rows[2].filename);
  EXPECT_EQ(strings(f.id, "timing/images", "ranks")[1], "1,2,3");
  EXPECT_EQ(doubles(f.id, "timing/images", "read")[1], 0.002);
  EXPECT_EQ(doubles(f.id, "timing/images", "decode")[2], 0.03);
  EXPECT_EQ(doubles(f.id, "timing/images", "latency")[2], 3.5);
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    EXPECT_EQ(doubles(f.id, "timing/images", "analyze_" + analyzers[a]->name)[0],
              0.1 * static_cast<double>(a + 1));
  }

  // /timing/ranks: one row per rank; `analyze` sums the analyzers and
  // `other` is what no stage claimed.
  ASSERT_EQ(row_count(f.id, "timing/ranks"), 2u);
  std::vector<std::string> rank_members = {"rank", "role", "host", "wall", "read", "comm", "wait", "decode"};
  for (const auto* a : analyzers) rank_members.push_back("analyze_" + a->name);
  for (const char* m : {"analyze", "merge", "write", "other", "cpu", "busy_cpu", "preempted", "images",
                        "bytes_sent", "peak_memory"}) {
    rank_members.emplace_back(m);
  }
  EXPECT_EQ(member_names(f.id, "timing/ranks"), rank_members);
  EXPECT_EQ(ints(f.id, "timing/ranks", "bytes_sent"), (std::vector<std::int64_t>{3'000'000'000, 1000}));
  EXPECT_EQ(ints(f.id, "timing/ranks", "peak_memory"), (std::vector<std::int64_t>{1'048'576, 2'097'152}));
  EXPECT_EQ(doubles(f.id, "timing/ranks", "cpu"), (std::vector<double>{2.5, 2.5}));
  EXPECT_EQ(doubles(f.id, "timing/ranks", "busy_cpu"), (std::vector<double>{0.75, 1.5}));
  EXPECT_EQ(ints(f.id, "timing/ranks", "preempted"), (std::vector<std::int64_t>{7, 3'000'000'000}));
  EXPECT_EQ(ints(f.id, "timing/ranks", "rank"), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(strings(f.id, "timing/ranks", "role"), (std::vector<std::string>{"source+merger", "worker"}));
  EXPECT_EQ(strings(f.id, "timing/ranks", "host"), (std::vector<std::string>{"node1", "node2"}));
  EXPECT_EQ(ints(f.id, "timing/ranks", "images"), (std::vector<std::int64_t>{3, 2}));
  double analyze = 0.0;
  for (std::size_t a = 0; a < analyzers.size(); ++a) {
    EXPECT_EQ(doubles(f.id, "timing/ranks", "analyze_" + analyzers[a]->name)[1],
              0.25 * static_cast<double>(a + 1));
    analyze += 0.25 * static_cast<double>(a + 1);
  }
  EXPECT_DOUBLE_EQ(doubles(f.id, "timing/ranks", "analyze")[0], analyze);
  for (const char* stage : {"wall", "read", "comm", "wait", "decode", "merge", "write"}) {
    const auto v = doubles(f.id, "timing/ranks", stage);
    EXPECT_EQ(v.size(), 2u) << stage;
  }
  // `other` is what no stage claimed, never negative: on rank 0 the made-up
  // stages (with four analyzers) claim more than its wall; rank 1's are
  // summed over its 2 threads, so they fill wall x 2.
  const double stages = 0.5 + 0.25 + 0.125 + 1.0 + analyze + 0.0625 + 0.03125;
  EXPECT_DOUBLE_EQ(doubles(f.id, "timing/ranks", "other")[0], std::max(0.0, 4.0 - stages));
  EXPECT_DOUBLE_EQ(doubles(f.id, "timing/ranks", "other")[1], 8.0 - stages);

  // Every /timing column says what it holds: names, units and descriptions
  // in member order; /timing itself no longer claims one unit for all.
  EXPECT_EQ(str_array_attr(f.id, "columns", "/timing/ranks"), rank_members);
  const auto units = str_array_attr(f.id, "units", "/timing/ranks");
  const auto descriptions = str_array_attr(f.id, "descriptions", "/timing/ranks");
  ASSERT_EQ(units.size(), rank_members.size());
  ASSERT_EQ(descriptions.size(), rank_members.size());
  for (std::size_t i = 0; i < rank_members.size(); ++i) {
    const std::string& m = rank_members[i];
    const bool text = m == "role" || m == "host";
    const std::string expected = text                                        ? ""
                                 : m == "rank"                               ? "1"
                                 : m == "images"                             ? "photos"
                                 : m == "preempted"                          ? "switches"
                                 : (m == "bytes_sent" || m == "peak_memory") ? "bytes"
                                                                             : "seconds";
    EXPECT_EQ(units[i], expected) << m;
    EXPECT_FALSE(descriptions[i].empty()) << m;
    EXPECT_EQ(descriptions[i].find("see docs"), std::string::npos) << m;
  }
  EXPECT_NE(
      descriptions[std::find(rank_members.begin(), rank_members.end(), "other") - rank_members.begin()].find(
          "never negative"),
      std::string::npos);
  EXPECT_EQ(str_array_attr(f.id, "columns", "/timing/images"), member_names(f.id, "timing/images"));
  for (const std::string& u : str_array_attr(f.id, "units", "/timing/images"))
    EXPECT_TRUE(u.empty() || u == "1" || u == "seconds") << u;

  // /run: every attribute, with its value.
  for (const char* name : {"photoscore_version",
                           "git_hash",
                           "command_line",
                           "input_dir",
                           "mode",
                           "layout",
                           "ranks",
                           "threads_per_rank",
                           "hostname",
                           "hosts",
                           "start_time",
                           "end_time",
                           "wall_seconds",
                           "images",
                           "errors",
                           "weights",
                           "thresholds",
                           "analyzers",
                           "plan",
                           "read",
                           "decode",
                           "bytes_sent_per_photo",
                           "shard",
                           "slurm_job_id"}) {
    EXPECT_TRUE(has_attr(f.id, name)) << name;
  }
  EXPECT_EQ(str_attr(f.id, "photoscore_version"), "1.2.3");
  EXPECT_EQ(str_attr(f.id, "git_hash"), "abcdef123456");
  EXPECT_EQ(str_attr(f.id, "command_line"), info.command_line);
  EXPECT_EQ(str_attr(f.id, "input_dir"), "photos");
  EXPECT_EQ(str_attr(f.id, "mode"), "mpi");
  EXPECT_EQ(str_attr(f.id, "layout"), "roles");
  EXPECT_EQ(num_attr(f.id, "ranks"), std::vector<double>{2});
  EXPECT_EQ(num_attr(f.id, "threads_per_rank"), std::vector<double>{4});
  EXPECT_EQ(str_attr(f.id, "hostname"), "node1,node2");
  EXPECT_EQ(str_array_attr(f.id, "hosts"), (std::vector<std::string>{"node1", "node2"}));
  EXPECT_EQ(str_attr(f.id, "start_time"), info.start_time);
  EXPECT_EQ(str_attr(f.id, "end_time"), info.end_time);
  EXPECT_EQ(num_attr(f.id, "wall_seconds"), std::vector<double>{4.25});
  EXPECT_EQ(num_attr(f.id, "images"), std::vector<double>{3});
  EXPECT_EQ(num_attr(f.id, "errors"), std::vector<double>{1});
  EXPECT_EQ(num_attr(f.id, "weights"), info.weights);
  EXPECT_EQ(num_attr(f.id, "thresholds"), (std::vector<double>{0.55, 0.25}));
  EXPECT_EQ(str_array_attr(f.id, "analyzers"), GetParam().analyzers);
  EXPECT_EQ(str_attr(f.id, "plan"), info.plan);
  EXPECT_EQ(str_attr(f.id, "read"), "rank0");
  EXPECT_EQ(str_attr(f.id, "decode"), "once");
  // Every rank's bytes over the 3 rows.
  EXPECT_EQ(num_attr(f.id, "bytes_sent_per_photo"), std::vector<double>{(3'000'000'000.0 + 1000.0) / 3.0});
  EXPECT_EQ(str_attr(f.id, "shard"), "0/2");
  EXPECT_EQ(str_attr(f.id, "slurm_job_id"), "");
}

INSTANTIATE_TEST_SUITE_P(Analyzers, H5SinkRows,
                         ::testing::Values(Case{{"sharpness", "exposure", "composition"}},
                                           Case{{"sharpness", "exposure", "composition", "color"}},
                                           Case{{"color"}}),
                         [](const auto& param) {
                           std::string name;
                           for (const auto& a : param.param.analyzers) name += (name.empty() ? "" : "_") + a;
                           return name;
                         });

TEST(H5Sink, RowsAcrossManyChunks) {
  const auto analyzers = specs({"sharpness", "exposure", "composition", "color"});
  TempDir dir;
  const fs::path path = dir.path() / "many.h5";
  const RunInfo info = run_info(analyzers);
  constexpr std::size_t kRows = 2500;  // two full blocks and a partial one
  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    for (std::size_t i = 0; i < kRows; ++i) {
      const std::string name = "p" + std::to_string(i) + ".jpg";
      const ScoredRow row = i % 7 == 3 ? error_row(name) : ok_row(analyzers, name, static_cast<double>(i));
      sink.write(row, timing_for(i, analyzers.size()));
    }
    sink.close(info);
  }
  File f(path);
  ASSERT_EQ(row_count(f.id, "scores"), kRows);
  ASSERT_EQ(row_count(f.id, "timing/images"), kRows);
  const auto names = strings(f.id, "scores", "filename");
  const auto quality = doubles(f.id, "scores", "quality_score");
  const auto color = strings(f.id, "scores", "color_verdict");
  const auto index = ints(f.id, "timing/images", "index");
  for (std::size_t i = 0; i < kRows; ++i) {
    const std::string name = "p" + std::to_string(i) + ".jpg";
    ASSERT_EQ(names[i], name);
    ASSERT_EQ(index[i], static_cast<std::int64_t>(i));
    if (i % 7 == 3) {
      ASSERT_TRUE(std::isnan(quality[i])) << i;
      ASSERT_EQ(color[i], "");
    } else {
      ASSERT_EQ(quality[i], 0.374 + static_cast<double>(i)) << i;
      const ScoredRow row = ok_row(analyzers, name, static_cast<double>(i));
      ASSERT_EQ(color[i], std::get<std::string>(row.results[3].values[2]));
    }
  }
  // Chunked, compressed with shuffle + deflate, and extendible.
  const hid_t d = H5Dopen2(f.id, "scores", H5P_DEFAULT);
  const hid_t p = H5Dget_create_plist(d);
  EXPECT_EQ(H5Pget_layout(p), H5D_CHUNKED);
  std::vector<H5Z_filter_t> filters;
  for (int i = 0; i < H5Pget_nfilters(p); ++i) {
    unsigned flags = 0;
    std::size_t n = 0;
    unsigned config = 0;
    filters.push_back(H5Pget_filter2(p, static_cast<unsigned>(i), &flags, &n, nullptr, 0, nullptr, &config));
  }
  EXPECT_EQ(filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  const hid_t s = H5Dget_space(d);
  hsize_t max = 0;
  H5Sget_simple_extent_dims(s, nullptr, &max);
  EXPECT_EQ(max, H5S_UNLIMITED);
  H5Sclose(s);
  H5Pclose(p);
  H5Dclose(d);
}

// File names are bytes; the HDF5 file holds the same UTF-8 as the JSONL.
TEST(H5Sink, InvalidUtf8BecomesWhatTheJsonlHolds) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  const fs::path path = dir.path() / "utf8.h5";
  const RunInfo info = run_info(analyzers);
  const ScoredRow row = error_row("bad\xff\xfe name\xc3.jpg");
  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    sink.write(row, timing_for(0, 1));
    sink.close(info);
  }
  File f(path);
  const auto j = nlohmann::json::parse(row_to_json(row, analyzers));
  EXPECT_EQ(strings(f.id, "scores", "filename")[0], j["filename"].get<std::string>());
  EXPECT_EQ(strings(f.id, "scores", "path")[0], j["path"].get<std::string>());
}

TEST(H5Sink, UnwritableFolderFailsInTheConstructor) {
  TempDir dir;
  const std::string path = (dir.path() / "no_such_folder" / "x.h5").string();
  try {
    H5Sink sink(path, specs({"sharpness"}));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("cannot write " + path + ": ", 0), 0u) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  // A folder where the file should be.
  EXPECT_THROW(H5Sink(dir.path().string(), specs({"sharpness"})), std::runtime_error);
}

// An old complete file at the final path survives an unfinished run, and is
// replaced only when the new one is complete.
TEST(H5Sink, OldFileReplacedOnlyAtClose) {
  const auto analyzers = specs({"sharpness"});
  TempDir dir;
  const fs::path path = dir.path() / "scores.h5";
  {
    std::ofstream old(path);
    old << "old results";
  }
  const auto content = [&] {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const RunInfo info = run_info(analyzers);
  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    sink.write(ok_row(analyzers, "a.jpg", 0.0), timing_for(0, 1));
    EXPECT_EQ(content(), "old results");
    // Destroyed without close(): the run failed.
  }
  EXPECT_EQ(content(), "old results");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.h5"});

  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    sink.write(ok_row(analyzers, "a.jpg", 0.0), timing_for(0, 1));
    EXPECT_EQ(content(), "old results");
    sink.close(info);
  }
  EXPECT_EQ(dir.names(), std::vector<std::string>{"scores.h5"});
  File f(path);
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(row_count(f.id, "scores"), 1u);
}

TEST(H5Sink, EmptyRunStillGivesACompleteFile) {
  const auto analyzers = specs({"sharpness", "exposure"});
  TempDir dir;
  const fs::path path = dir.path() / "empty.h5";
  RunInfo info = run_info(analyzers);
  info.rank_timings.clear();
  {
    H5Sink sink(path.string(), analyzers);
    sink.open(info);
    sink.close(info);
  }
  File f(path);
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(row_count(f.id, "scores"), 0u);
  EXPECT_EQ(row_count(f.id, "timing/images"), 0u);
  EXPECT_EQ(row_count(f.id, "timing/ranks"), 0u);
  EXPECT_TRUE(has_attr(f.id, "photoscore_version"));
}

}  // namespace
}  // namespace photoscore

namespace photoscore {
namespace {

// Every chunk of a dataset as stored (filtered bytes), in order.
std::vector<std::string> stored_chunks(hid_t file, const char* name) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  hsize_t n = 0;
  H5Dget_num_chunks(d, s, &n);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < n; ++i) {
    hsize_t offset[1] = {0};
    unsigned mask = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    H5Dget_chunk_info(d, s, i, offset, &mask, &address, &size);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    std::uint32_t filters = 0;
    H5Dread_chunk(d, H5P_DEFAULT, offset, &filters, bytes.data());
    out.push_back(std::to_string(offset[0]) + ":" + bytes);
  }
  std::sort(out.begin(), out.end());
  H5Sclose(s);
  H5Dclose(d);
  return out;
}

// Under MPI the record tables' chunks are assembled by other ranks
// (chunk_assembly.hpp): a run that kept 1,500 rows (--resume), had rank 0
// make one error row itself and took the rest from blocks whose records
// went to three owners in any order, stores the very chunks a writer that
// filled them itself stores, and a cut run's rows past the end are not kept.
TEST(H5Sink, ChunksAssembledElsewhereAreTheChunksWrittenHere) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const FormatContext context = default_context(analyzers);
  const RunInfo info = run_info(analyzers);
  constexpr std::size_t kKept = 1500;
  constexpr std::size_t kRows = 3300;
  constexpr std::size_t kMine = 2222;  // the row rank 0 makes itself
  const auto row_of = [&](std::size_t i) {
    const std::string name = "p" + std::to_string(i) + ".jpg";
    return i % 11 == 4 || i == kMine ? error_row(name) : ok_row(analyzers, name, static_cast<double>(i));
  };
  TempDir dir;
  const fs::path here = dir.path() / "here.h5";
  const fs::path elsewhere = dir.path() / "elsewhere.h5";
  {
    H5Sink sink(here.string(), context);
    sink.open(info);
    for (std::size_t i = 0; i < kRows; ++i) {
      if (i < kKept) {
        sink.resume(row_of(i));
      } else {
        sink.write(row_of(i), timing_for(i - kKept, analyzers.size()));
      }
    }
    sink.close(info);
  }
  {
    H5Sink sink(elsewhere.string(), context);
    sink.open(info);
    for (std::size_t i = 0; i < kKept; ++i) sink.resume(row_of(i));
    ASSERT_TRUE(sink.assemble_elsewhere());
    const H5RecordSizes sizes = h5_record_sizes(context);
    std::vector<ChunkAssembler> owners;
    for (int o = 0; o < 3; ++o) owners.emplace_back(o, 3, kKept / kRowsPerChunk);
    std::vector<ChunkPiece> pieces = sink.take_chunk_pieces();  // the kept rows of the chunk begun
    ASSERT_EQ(pieces.size(), 1u);
    const std::unique_ptr<RowFormatter> formatter = make_h5_formatter(context);
    // Blocks of 37 rows (and rank 0's own row alone), formatted where they
    // were scored; the sink gets their count, the owners their records.
    for (std::size_t first = kKept; first < kRows + 40;) {
      const std::size_t end = first == kMine ? kMine + 1
                                             : std::min(first + 37, first < kMine   ? kMine
                                                                    : first < kRows ? kRows
                                                                                    : kRows + 40);
      std::string section;
      for (std::size_t i = first; i < end; ++i)
        formatter->format(row_of(i), timing_for(i - kKept, analyzers.size()), static_cast<std::int64_t>(i),
                          section);
      formatter->seal(section, static_cast<std::int64_t>(end - first));
      if (first == kMine) {
        sink.append(section, 1);
        for (ChunkPiece& p : sink.take_chunk_pieces()) pieces.push_back(std::move(p));
      } else {
        // Rows from kRows on were scored after the run was cut short: their
        // records reach the owners, but no block of them reaches the writer.
        if (first < kRows) sink.append("", static_cast<std::int64_t>(end - first));
        for (ChunkPiece& p : split_by_chunk(section, first, sizes.scores, sizes.images))
          pieces.push_back(std::move(p));
      }
      first = end;
    }
    // Pieces arrive in any order.
    std::reverse(pieces.begin() + 1, pieces.end());
    std::rotate(pieces.begin(), pieces.begin() + 7, pieces.end());
    std::vector<FilteredChunk> filtered;
    const std::size_t half = pieces.size() / 2;
    for (std::size_t k = 0; k < half; ++k) owners[pieces[k].chunk % 3].add(pieces[k].bytes, filtered);
    sink.rows_complete();
    for (ChunkAssembler& o : owners) o.finish(kRows, filtered);
    for (std::size_t k = half; k < pieces.size(); ++k)
      owners[pieces[k].chunk % 3].add(pieces[k].bytes, filtered);
    for (ChunkAssembler& o : owners) EXPECT_TRUE(o.finish(kRows, filtered));
    // Each chunk of both tables, once; the last short.
    EXPECT_EQ(filtered.size(), 2 * ((kRows + kRowsPerChunk - 1) / kRowsPerChunk - kKept / kRowsPerChunk));
    std::reverse(filtered.begin(), filtered.end());
    for (FilteredChunk& c : filtered) sink.write_filtered(c.key, std::move(c.bytes));
    sink.close(info);
  }
  File a(here);
  File b(elsewhere);
  for (const char* table : {"scores", "timing/images"}) {
    ASSERT_EQ(row_count(b.id, table), kRows) << table;
    EXPECT_EQ(stored_chunks(a.id, table), stored_chunks(b.id, table)) << table;
  }
  EXPECT_EQ(strings(b.id, "scores", "filename").back(), "p" + std::to_string(kRows - 1) + ".jpg");
}

TEST(ChunkAssembler, RefusesRowsTwiceAndChunksOfOthers) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const FormatContext context = default_context(analyzers);
  const H5RecordSizes sizes = h5_record_sizes(context);
  const std::unique_ptr<RowFormatter> formatter = make_h5_formatter(context);
  std::string section;
  for (int i = 0; i < 3; ++i) formatter->format(ok_row(analyzers, "a.jpg", i), timing_for(0, 3), i, section);
  formatter->seal(section, 3);
  // Rows 1022-1024: the end of chunk 0 and the start of chunk 1.
  std::vector<ChunkPiece> pieces = split_by_chunk(section, 1022, sizes.scores, sizes.images);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].chunk, 0u);
  EXPECT_EQ(pieces[1].chunk, 1u);
  ChunkAssembler zero(0, 2, 0);
  std::vector<FilteredChunk> out;
  EXPECT_THROW(zero.add(pieces[1].bytes, out), std::runtime_error);  // chunk 1 is owner 1's
  zero.add(pieces[0].bytes, out);
  EXPECT_THROW(zero.add(pieces[0].bytes, out), std::runtime_error);  // the same rows again
  EXPECT_TRUE(out.empty());
  // Chunk 0 ends short of its rows 0-1021: not whole until they come.
  EXPECT_FALSE(zero.finish(1024, out));
  EXPECT_TRUE(out.empty());
  EXPECT_THROW(split_by_chunk(section.substr(0, section.size() - 1), 0, sizes.scores, sizes.images),
               std::logic_error);
}

}  // namespace
}  // namespace photoscore
