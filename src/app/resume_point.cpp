#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/options.hpp"
#include "app/output_guard.hpp"
#include "merge/merge_scores.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_from_json.hpp"
#include "output/row_json.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

constexpr const char* kStartOver = "; --force starts over";

bool read_file(const std::string& path, std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream all;
  all << in.rdbuf();
  content = all.str();
  return true;
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The first option that differs, as "weights=A here, weights=B before".
std::string first_difference(const std::string& before, const std::string& now) {
  const auto a = words(before);
  const auto b = words(now);
  for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
    const std::string x = i < a.size() ? a[i] : "(none)";
    const std::string y = i < b.size() ? b[i] : "(none)";
    if (x != y) return "it was scored with " + x + ", this run has " + y;
  }
  return "its options differ";
}

// The refusal when the two lines differ only in the grouping schema's
// word: rows with or without the hash and capture time cannot share a file.
std::string grouping_difference(const std::string& before, const std::string& now) {
  const std::string word = std::string(" ") + kGroupingColumns;
  if (before + word == now) {
    return "its rows were written without --groups (no perceptual_hash and capture_time), and this run "
           "groups";
  }
  if (now + word == before) {
    return "its rows were written with --groups (with perceptual_hash and capture_time), and this run does "
           "not group: add --groups FILE";
  }
  return std::string();
}

std::size_t whole_lines(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

}  // namespace

ResumePoint find_resume_point(const std::string& jsonl, const std::vector<InputFile>& files,
                              const RowSchema& schema, const std::string& scoring_options,
                              const MergePolicy& policy) {
  ResumePoint point;
  std::string content;
  if (!read_file(jsonl, content)) {
    if (errno == ENOENT) return point;  // nothing to resume: a fresh run
    throw InputError("--resume: cannot read " + for_terminal(jsonl) + ": " + std::strerror(errno));
  }
  const std::string shown = for_terminal(jsonl);
  std::string meta;
  const std::string meta_path = jsonl_meta_path(jsonl);
  const std::string meta_shown = for_terminal(meta_path);
  if (!read_file(meta_path, meta)) {
    if (content.find('\n') == std::string::npos) return point;  // not one whole row: nothing to keep
    throw InputError("--resume: " + meta_shown + " is missing, so the options " + shown +
                     " was scored with are unknown" + kStartOver);
  }
  Ledger ledger;
  try {
    ledger = parse_ledger(meta);
  } catch (const std::invalid_argument& e) {
    throw InputError("--resume: " + meta_shown + " cannot be used: " + e.what() + kStartOver);
  }
  if (ledger.options != scoring_options) {
    std::string why = grouping_difference(ledger.options, scoring_options);
    if (why.empty()) why = first_difference(ledger.options, scoring_options);
    throw InputError("--resume: " + shown + " cannot be continued: " + why + kStartOver);
  }

  // Each row kept must be the one NAME.meta recorded, byte for byte, for the
  // photo as it is now; the first that is not stops the kept rows there
  // (a photo changed: scored again from it) or the run (a row or a record
  // edited, a line foreign to both: refused). Records are trusted a sealed
  // block at a time.
  std::string chain = ledger.chain_start;
  std::uint64_t start = 0;
  bool photo_changed = false;
  bool cut = false;
  for (const LedgerSeal& seal : ledger.seals) {
    if (ledger_seal(chain, seal.text) != seal.chain) {
      throw InputError("--resume: " + meta_shown + " was changed after photoscore wrote it (its records of lines " +
                       std::to_string(seal.first + 1) + "-" + std::to_string(seal.first + seal.count) +
                       " do not match their seal)" + kStartOver);
    }
    chain = seal.chain;
    for (std::size_t k = seal.first; k < seal.first + seal.count; ++k) {
      const LedgerRecord& record = ledger.records[k];
      if (record.end > content.size()) {  // the file was cut there (a kill mid-row)
        cut = true;
        break;
      }
      const std::size_t line_no = point.rows.size() + 1;
      const std::string where = "--resume: " + shown + " line " + std::to_string(line_no) + ": ";
      const std::string_view bytes(content.data() + start, record.end - start);
      // Not one line where the record says, or not its bytes: an edited,
      // added, removed or foreign line.
      if (bytes.find('\n') != bytes.size() - 1 || ledger_row_digest(bytes) != record.row_digest) {
        throw InputError(where + "changed after photoscore wrote it (it is not the row its checksum in " +
                         meta_shown + " records)" + kStartOver);
      }
      const std::string_view line = bytes.substr(0, bytes.size() - 1);
      ScoredRow row;
      try {
        row = row_from_json(line, schema);
      } catch (const std::invalid_argument& e) {
        throw InputError(where + e.what() + kStartOver);
      }
      // Byte for byte what this photoscore writes for it, so the finished
      // file is the same as one uninterrupted run's.
      if (row_to_json(row, schema) != line)
        throw InputError(where + "not a row as photoscore writes it" + kStartOver);
      const std::size_t i = point.rows.size();
      if (i >= files.size()) {
        throw InputError(where + "more rows than the " + std::to_string(files.size()) + " files to score" +
                         kStartOver);
      }
      if (row.filename != as_utf8(files[i].filename)) {
        throw InputError(where + "the row is for " + for_terminal(row.filename) + ", the file list has " +
                         for_terminal(files[i].filename) + " there" + kStartOver);
      }
      // The merge again, from the row's own scores: a row whose verdict this
      // run's weights and thresholds would not give is not this run's.
      if (row.ok) {
        ScoredRow merged = row;
        bool same = false;
        try {
          merge_scores(policy, merged);
          same = merged.verdict == row.verdict && merged.quality_score == row.quality_score;
        } catch (const std::logic_error&) {
        }
        if (!same) {
          throw InputError(where +
                           "its quality score and verdict are not what this run's weights and thresholds give "
                           "from its scores" +
                           kStartOver);
        }
      }
      if (record.photo == "unstable" || photo_identity(files[i].path) != record.photo) {
        photo_changed = true;
        const std::size_t after = files.size() - i - 1;
        point.notes.push_back(
            "--resume: " + for_terminal(files[i].filename) +
            (record.photo == "unstable" ? " changed while it was being scored"
                                        : " changed since it was scored (size, times or inode)") +
            ": it is scored again" +
            (after > 0 ? ", and the " + std::to_string(after) + " files after it" : std::string()));
        break;
      }
      row.identity = record.photo;
      point.rows.push_back(std::move(row));
      point.bytes = record.end;
      start = record.end;
    }
    if (photo_changed || cut) break;
  }
  if (!photo_changed) {
    const std::size_t extra = whole_lines(std::string_view(content).substr(point.bytes));
    if (extra > 0) {
      point.notes.push_back(
          "--resume: " + std::to_string(extra) + " line" + (extra == 1 ? "" : "s") + " of " + shown +
          " after the last row " + meta_shown +
          " records (a run stopped between the two, or lines added): not kept, scored again");
    }
  }
  return point;
}

}  // namespace photoscore
