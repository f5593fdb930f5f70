#pragma once
// A run's outputs in a temporary folder for the --resume tests (the ledger,
// the resume point, the output guard): three photos in in/, and their rows
// written through JsonlSink as a run writes them (r.jsonl and r.jsonl.meta).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/output_guard.hpp"
#include "merge/merge_scores.hpp"
#include "output/jsonl_sink.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_schema.hpp"
#include "run/input_files.hpp"
#include "support/sample_rows.hpp"
#include "support/temp_dir.hpp"

namespace photoscore::test_support {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream all;
  all << in.rdbuf();
  return all.str();
}

inline void put(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A run's outputs in a temporary folder: three photos, their rows written
// through JsonlSink as a run writes them.
class LedgerRun : public ::testing::Test {
 protected:
  void SetUp() override {
    options.input_dir = (dir.path() / "in").string();
    std::filesystem::create_directory(options.input_dir);
    policy = make_policy(options);
    scoring = scoring_options(options, policy);
    for (const char* name : {"a.png", "b.png", "c.png"}) {
      const std::string path = options.input_dir + "/" + name;
      put(path, std::string("pixels of ") + name);
      files.push_back({name, path});
    }
    usleep(20000);  // the photos are older than the run: not "changed while scored"
    jsonl = (dir.path() / "r.jsonl").string();
  }

  ScoredRow row(std::size_t i) const {
    ScoredRow r = sample_row(policy.analyzers, files[i].filename, 640 + static_cast<int>(i), 0, 0.1 * (i + 1),
                             0.01, "");
    r.path = files[i].path;
    r.identity = photo_identity(files[i].path);  // as the rank that read it saw it
    merge_scores(policy, r);
    return r;
  }

  void write_rows(std::size_t n) {
    JsonlSink sink(jsonl, policy.analyzers);
    RunInfo info;
    info.scoring_options = scoring;
    sink.open(info);
    for (std::size_t i = 0; i < n; ++i) sink.write(row(i), ImageTiming{});
    sink.close(info);
  }

  ResumePoint resume() const {
    return find_resume_point(jsonl, files, RowSchema(policy.analyzers), scoring, policy);
  }

  TempDir dir;
  Options options;
  MergePolicy policy;
  std::string scoring;
  std::vector<InputFile> files;
  std::string jsonl;
};

}  // namespace photoscore::test_support
