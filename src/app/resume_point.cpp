#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/output_guard.hpp"
#include "output/jsonl_sink.hpp"
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

}  // namespace

ResumePoint find_resume_point(const std::string& jsonl, const std::vector<InputFile>& files,
                              const RowSchema& schema, const std::string& scoring_options) {
  ResumePoint point;
  std::string content;
  if (!read_file(jsonl, content)) {
    if (errno == ENOENT) return point;  // nothing to resume: a fresh run
    throw InputError("--resume: cannot read " + for_terminal(jsonl) + ": " + std::strerror(errno));
  }
  const std::string shown = for_terminal(jsonl);
  // A row cut short by a kill is not a row; the whole ones before it are.
  const auto last_newline = content.rfind('\n');
  if (last_newline == std::string::npos) return point;
  point.bytes = last_newline + 1;

  std::string meta;
  const std::string meta_path = jsonl_meta_path(jsonl);
  if (!read_file(meta_path, meta)) {
    throw InputError("--resume: " + for_terminal(meta_path) + " is missing, so the options " + shown +
                     " was scored with are unknown" + kStartOver);
  }
  while (!meta.empty() && meta.back() == '\n') meta.pop_back();
  if (meta != scoring_options) {
    throw InputError("--resume: " + shown +
                     " cannot be continued: " + first_difference(meta, scoring_options) + kStartOver);
  }

  std::size_t start = 0;
  for (std::size_t line_no = 1; start < point.bytes; ++line_no) {
    const std::size_t end = content.find('\n', start);
    const std::string_view line(content.data() + start, end - start);
    const std::string where = "--resume: " + shown + " line " + std::to_string(line_no) + ": ";
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
    point.rows.push_back(std::move(row));
    start = end + 1;
  }
  return point;
}

}  // namespace photoscore
