#pragma once
// What a run may do to its output paths, decided on the writing rank before
// any sink is made, so that a run that is refused leaves every file as it
// was.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "output/output_lock.hpp"
#include "output/row_schema.hpp"
#include "run/input_files.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

struct PreparedOutputs {
  std::unique_ptr<OutputLocks> lock;        // held for the whole run
  std::optional<std::uint64_t> jsonl_keep;  // --resume: bytes of whole rows to keep
};

// Refuses (InputError: exit 2, one line) an output (JSONL, HDF5, CSV, the
// --report page, the --summary-json file) that is not a regular
// file, that is another output, or that is an input (a photo being scored,
// by device and inode, or a photo's name in the input folder); takes the
// lock NAME.lock beside the JSONL (a second job on the same outputs gets
// InputError); refuses existing results unless --force or --resume. With
// --resume, the JSONL's rows go into job.resumed and off the front of
// `files`. Also sets job.info.files and job.info.scoring_options.
PreparedOutputs prepare_outputs(const Options& options, Job& job, std::vector<InputFile>& files);

// --resume: the rows of `jsonl` to keep and the bytes they take: the rows
// NAME.meta records (resume_ledger.hpp), each unchanged since (its checksum),
// a row this photoscore writes byte for byte, naming the files of `files` in
// order, scored with `scoring_options`, whose verdict `policy` gives from
// its scores, for a photo that is as it was when its row was written (size,
// times, inode). Throws InputError saying what does not match, except for a
// changed photo: the kept rows end before it, and it is scored again (a
// note says so), as are rows the records do not cover (a kill between the
// two writes). None when the file does not exist.
struct ResumePoint {
  std::vector<ScoredRow> rows;
  std::uint64_t bytes = 0;
  std::vector<std::string> notes;  // one line each, for stderr
};
ResumePoint find_resume_point(const std::string& jsonl, const std::vector<InputFile>& files,
                              const RowSchema& schema, const std::string& scoring_options,
                              const MergePolicy& policy);

}  // namespace photoscore
