// The output guard (prepare_outputs): what a run may do to its output paths,
// decided before any sink is made. Refused: an output that is a link, not a
// regular file, another output, or a photo being scored; existing results
// without --force or --resume; a second job on the same outputs; a .meta
// file photoscore did not write. A refused run leaves every file as it was.
// --resume keeps the JSONL's rows and takes their photos off the list.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/output_guard.hpp"
#include "output/resume_ledger.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"
#include "support/ledger_run.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;
using test_support::put;
using test_support::slurp;

// The three photos of LedgerRun in DIR/in, results DIR/r.jsonl and DIR/r.h5.
class OutputGuard : public test_support::LedgerRun {
 protected:
  void SetUp() override {
    LedgerRun::SetUp();
    options.jsonl = jsonl;
    options.h5 = (dir.path() / "r.h5").string();
    job.policy = policy;
  }

  PreparedOutputs prepare() { return prepare_outputs(options, job, files); }

  // The one-line refusal, or "not refused".
  std::string refusal() {
    try {
      prepare();
    } catch (const InputError& e) {
      return e.what();
    }
    return "not refused";
  }

  // Every file under DIR with its bytes: what a refused run must not change.
  std::vector<std::string> everything() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
      const std::string name = e.path().lexically_relative(dir.path()).string();
      out.push_back(e.is_symlink()        ? name + " -> " + fs::read_symlink(e.path()).string()
                    : e.is_regular_file() ? name + ": " + slurp(e.path().string())
                                          : name + "/");
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Job job;
};

TEST_F(OutputGuard, ExistingResultsNeedForceOrResume) {
  write_rows(3);
  const auto before = everything();
  EXPECT_EQ(refusal(),
            jsonl + " already exists: --force replaces it, --resume keeps its rows and scores the rest");
  EXPECT_EQ(everything(), before);
  // A page is made again, not continued: its refusal says so.
  fs::remove(jsonl);
  fs::remove(jsonl_meta_path(jsonl));
  options.act.report = (dir.path() / "r.html").string();
  put(options.act.report, "<html>an earlier report</html>");
  const auto with_page = everything();
  EXPECT_EQ(refusal(),
            options.act.report +
                " already exists: --force replaces it, --resume makes it again from the kept rows and "
                "the new");
  EXPECT_EQ(everything(), with_page);
  options.force = true;
  EXPECT_NE(prepare().lock, nullptr);
}

TEST_F(OutputGuard, ASecondJobOnTheSameOutputsStops) {
  const PreparedOutputs first = prepare();
  ASSERT_NE(first.lock, nullptr);
  EXPECT_TRUE(fs::exists(jsonl + ".lock"));
  const std::string second = refusal();
  EXPECT_NE(second.find(jsonl + ".lock"), std::string::npos) << second;
  EXPECT_NE(second.find(std::to_string(::getpid())), std::string::npos) << second;  // names the holder
  EXPECT_EQ(second.find('\n'), std::string::npos) << second;
}

TEST_F(OutputGuard, RefusesALinkADeviceAndOneFileNamedTwice) {
  put((dir.path() / "notes.txt").string(), "mine");
  fs::create_symlink(dir.path() / "notes.txt", jsonl);
  EXPECT_EQ(refusal(),
            "--jsonl " + jsonl +
                " is a symbolic link: photoscore writes no output through a link; name the file itself");
  EXPECT_EQ(slurp((dir.path() / "notes.txt").string()), "mine");
  fs::remove(jsonl);
  options.h5 = "/dev/null";
  EXPECT_EQ(refusal(),
            "--h5 /dev/null is not a regular file (a device, folder, pipe or socket): name a file");
  options.h5 = jsonl;
  EXPECT_EQ(refusal(), "--jsonl " + jsonl + " and --h5 name the same file");
  EXPECT_FALSE(fs::exists(jsonl));
}

TEST_F(OutputGuard, RefusesAPhotoAsAnOutput) {
  options.h5 = options.input_dir + "/d.jpg";
  EXPECT_EQ(refusal(),
            "--h5 " + options.h5 + " is a photo's name in the input folder: write the results elsewhere");
  EXPECT_FALSE(fs::exists(options.h5));
  // Another name of a photo being scored, outside the folder.
  options.h5 = (dir.path() / "linked.h5").string();
  fs::create_hard_link(files[0].path, options.h5);
  EXPECT_EQ(refusal(), "--h5 " + options.h5 + " is " + files[0].path + ", a photo being scored");
  EXPECT_EQ(slurp(files[0].path), "pixels of a.png");
}

TEST_F(OutputGuard, AMetaFileNotOursIsLeftAlone) {
  put(jsonl_meta_path(jsonl), "my notes\n");
  EXPECT_EQ(refusal(),
            jsonl_meta_path(jsonl) +
                " exists and is not a photoscore .meta file: photoscore does not replace it; --force "
                "does, or name another --jsonl");
  EXPECT_EQ(slurp(jsonl_meta_path(jsonl)), "my notes\n");
}

TEST_F(OutputGuard, ResumeKeepsTheRowsAndLeavesTheRestToScore) {
  write_rows(2);
  options.resume = true;
  const PreparedOutputs prepared = prepare();
  ASSERT_TRUE(prepared.jsonl_keep.has_value());
  EXPECT_EQ(*prepared.jsonl_keep, slurp(jsonl).size());
  ASSERT_EQ(job.resumed.size(), 2u);
  EXPECT_EQ(job.resumed[0].filename, "a.png");
  EXPECT_EQ(job.resumed[1].filename, "b.png");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename, "c.png");
  EXPECT_EQ(job.info.files, 3);  // the kept rows included
  EXPECT_EQ(job.info.total, 1);  // what this run scores
  EXPECT_EQ(job.info.scoring_options, scoring);
}

}  // namespace
}  // namespace photoscore
