#include "app/output_guard.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "app/output_list.hpp"
#include "output/jsonl_sink.hpp"
#include "output/partial_file.hpp"
#include "output/resume_ledger.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

struct Output {
  std::string flag;  // "--jsonl"
  std::string path;
  OutputKind kind = OutputKind::File;
  // What --resume does with it, for the message that refuses an existing
  // one: the row files keep their rows, a page or a summary is made again.
  std::string on_resume = "keeps its rows and scores the rest";
};

constexpr const char* kMadeAgain = "makes it again from the kept rows and the new";

std::string on_resume(std::string_view flag) {
  if (flag == "--report" || flag == "--summary-json" || flag == "--groups") return kMadeAgain;
  return Output{}.on_resume;
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The same file whatever the spelling: device and inode when it exists,
// else its folder's real path and its name.
std::string identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  char real[PATH_MAX];
  if (::realpath(folder_of(path).c_str(), real)) return std::string(real) + "/" + name_of(path);
  return path;
}

bool same_folder(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::string shown(const Output& o) { return o.flag + " " + for_terminal(o.path); }

// `path` (which may not exist yet) is `root` or inside it, by real paths.
bool inside(const std::string& path, const std::string& root) {
  char real_root[PATH_MAX];
  if (!::realpath(root.c_str(), real_root)) return false;
  // The nearest folder that exists, then the names below it.
  std::string existing = path;
  std::string rest;
  char real[PATH_MAX];
  while (!::realpath(existing.c_str(), real)) {
    const auto slash = existing.find_last_of('/');
    if (slash == std::string::npos) {
      rest = existing + (rest.empty() ? "" : "/" + rest);
      existing = ".";
      if (!::realpath(existing.c_str(), real)) return false;
      break;
    }
    rest = existing.substr(slash + 1) + (rest.empty() ? "" : "/" + rest);
    existing = slash == 0 ? "/" : existing.substr(0, slash);
  }
  const std::string full = std::string(real) + (rest.empty() ? "" : "/" + rest);
  const std::string r = real_root;
  return full == r ||
         (full.size() > r.size() && full.compare(0, r.size(), r) == 0 && (r == "/" || full[r.size()] == '/'));
}

void check_paths(const Options& options, const std::vector<Output>& outputs,
                 const std::vector<InputFile>& files) {
  bool any_exists = false;
  for (const Output& o : outputs) {
    struct stat lst {};
    // A link as an output would be written through (the JSONL) or replaced
    // by a file (the others): neither is what its maker meant.
    if (::lstat(o.path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      throw InputError(
          shown(o) + " is a symbolic link: photoscore writes no output through a link; name the file itself");
    }
    struct stat st {};
    if (::stat(o.path.c_str(), &st) != 0) continue;
    any_exists = true;
    // Writing would replace a device node, or write into a pipe or a
    // device (/dev/sda); renaming over it would remove it.
    if (!S_ISREG(st.st_mode)) {
      throw InputError(shown(o) + " is not a regular file (a device, folder, pipe or socket): name a file");
    }
  }
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t k = i + 1; k < outputs.size(); ++k) {
      if (identity(outputs[i].path) == identity(outputs[k].path)) {
        throw InputError(shown(outputs[i]) + " and " + outputs[k].flag + " name the same file");
      }
    }
  }
  for (const Output& o : outputs) {
    // A photo's name in the folder being scored: an input now, or the next
    // time the folder is scored.
    if (has_photo_extension(name_of(o.path)) && same_folder(folder_of(o.path), options.input_dir)) {
      throw InputError(shown(o) + " is a photo's name in the input folder: write the results elsewhere");
    }
  }
  if (!any_exists) return;
  // Hard links, symbolic links and other spellings of a photo being scored.
  std::set<std::pair<dev_t, ino_t>> outputs_by_id;
  for (const Output& o : outputs) {
    struct stat st {};
    if (::stat(o.path.c_str(), &st) == 0) outputs_by_id.insert({st.st_dev, st.st_ino});
  }
  for (const InputFile& f : files) {
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0 || !outputs_by_id.count({st.st_dev, st.st_ino})) continue;
    for (const Output& o : outputs) {
      struct stat ost {};
      if (::stat(o.path.c_str(), &ost) == 0 && ost.st_dev == st.st_dev && ost.st_ino == st.st_ino) {
        throw InputError(shown(o) + " is " + for_terminal(f.path) + ", a photo being scored");
      }
    }
  }
}

}  // namespace

PreparedOutputs prepare_outputs(const Options& options, Job& job, std::vector<InputFile>& files) {
  // The files of results, the JSONL first. The page and the summary are
  // results too: the same rules, and with --resume they are written whole
  // again, as the HDF5 file is.
  std::vector<Output> outputs = {{std::string(jsonl_output().flag), jsonl_output().path(options)}};
  // The other outputs as asked: folders of links, sidecars.
  std::vector<Output> others;
  for (const OutputEntry& o : all_outputs()) {
    if (&o == &jsonl_output() || !asked_for(o, options)) continue;
    (o.kind == OutputKind::File ? outputs : others)
        .push_back({std::string(o.flag), o.path(options), o.kind, on_resume(o.flag)});
  }
  check_paths(options, outputs, files);
  for (const Output& o : others) {
    // With -r the links would be photos of the next run (each scored twice).
    if (o.kind == OutputKind::LinkFolder && options.recursive && inside(o.path, options.input_dir)) {
      throw InputError(
          shown(o) +
          " is inside the input folder: with --recursive its links would be scored as photos next "
          "time; make the links outside it");
    }
  }
  // "cannot write" (exit 3) before the lock file is made in a folder that
  // does not exist.
  for (const Output& o : outputs) check_can_create(o.path);

  // One lock for each output, so two jobs share none of them: with
  // different --jsonl but the same default --h5, the second stops here.
  PreparedOutputs prepared;
  prepared.lock = std::make_unique<OutputLocks>();
  try {
    for (const Output& o : outputs) prepared.lock->add(o.path + ".lock", options.force);
    for (const Output& o : others) {
      if (o.kind == OutputKind::LinkFolder) {
        // Beside the folder, like the files' locks: nothing is made inside
        // it before the run is sure to start. A parent where no file can be
        // made (the folder a mount point) leaves it unlocked.
        std::string dir = o.path;
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        prepared.lock->add(dir + ".lock", options.force, true);
      } else {
        // The sidecars beside the photos (the input folder); a folder where
        // nothing can be made gets no sidecar either (a warning per photo).
        prepared.lock->add(o.path + "/.photoscore-xmp.lock", options.force, true);
      }
    }
  } catch (const OutputBusy& e) {
    throw InputError(for_terminal(e.what()));
  } catch (const OutputNotOurs& e) {
    throw InputError(for_terminal(e.what()));
  }
  if (!options.force && !options.resume) {
    for (const Output& o : outputs) {
      struct stat st {};
      if (::stat(o.path.c_str(), &st) == 0) {
        throw InputError(for_terminal(o.path) + " already exists: --force replaces it, --resume " +
                         o.on_resume);
      }
    }
  }
  // NAME.meta is rewritten by the run: only one photoscore made.
  const std::string meta = jsonl_meta_path(options.jsonl);
  struct stat meta_st {};
  if (!options.force && ::lstat(meta.c_str(), &meta_st) == 0) {
    std::string head(64, '\0');
    bool ours = false;
    if (S_ISREG(meta_st.st_mode)) {
      std::FILE* f = std::fopen(meta.c_str(), "rb");
      if (f) {
        head.resize(std::fread(head.data(), 1, head.size(), f));
        std::fclose(f);
        ours = is_photoscore_meta(head) || head.substr(0, 8) == "profile=";
      }
    }
    if (!ours) {
      throw InputError(for_terminal(meta) +
                       " exists and is not a photoscore .meta file: photoscore does not "
                       "replace it; --force does, or name another --jsonl");
    }
  }
  // Temporary files of a run killed outright: no live job writes these
  // outputs now (we hold their locks).
  for (const OutputEntry& o : all_outputs()) {
    if (!o.partial_magic.empty() && asked_for(o, options))
      remove_dead_partials(o.path(options), o.partial_magic, stderr);
  }
  remove_dead_partials(meta, "photoscore meta", stderr);

  job.info.files = static_cast<std::int64_t>(files.size());
  job.info.scoring_options = scoring_options(options, job.policy);
  if (options.resume) {
    ResumePoint point =
        find_resume_point(options.jsonl, files, RowSchema(job.policy.analyzers, !options.groups.file.empty()),
                          job.info.scoring_options, job.policy);
    for (const std::string& note : point.notes) std::fprintf(stderr, "photoscore: %s\n", note.c_str());
    files.erase(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(point.rows.size()));
    // Progress counts the photos this run scores: the kept ones are done.
    job.info.total = static_cast<std::int64_t>(files.size());
    job.resumed = std::move(point.rows);
    prepared.jsonl_keep = point.bytes;
  }
  return prepared;
}

}  // namespace photoscore
