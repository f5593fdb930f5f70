#include "app/options.hpp"

#include <omp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "app/number_checks.hpp"
#include "app/unknown_options.hpp"
#include "build_info.hpp"
#include "image/codec.hpp"

namespace photoscore {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, sep)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

double parse_number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(v)) throw std::invalid_argument(what + ": '" + text + "' is not a number");
  return v;
}

// A whole non-negative decimal integer, nothing else: no sign, no spaces,
// no exponent, and no silent wrap past `most`.
long long parse_count(const std::string& text, const std::string& what, long long most) {
  long long v = -1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc::result_out_of_range) throw std::invalid_argument(what + ": " + text + " is too large");
  if (text.empty() || ec != std::errc() || ptr != end || v < 0) {
    throw std::invalid_argument(what + ": '" + text + "' is not a whole number");
  }
  if (v > most) {
    throw std::invalid_argument(what + ": " + text + " is more than " + std::to_string(most) +
                                (what == "--threads" ? " (64 a core)" : ""));
  }
  return v;
}

std::string analyzer_help() {
  std::string text = "Analyzers to run, comma-separated, in archive order. Known:";
  for (const auto& a : all_analyzers()) {
    text += "\n  " + a.name + (a.enabled_by_default ? " (default)" : "") + ": " + a.summary;
  }
  return text;
}

}  // namespace

ParseResult parse_options(int argc, char** argv) {
  ParseResult result;
  Options& o = result.options;
  for (int i = 0; i < argc; ++i) o.command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{
      "photoscore: scores every photo of a folder for sharpness, exposure and composition, merges the scores "
      "into\n"
      "one verdict per photo (post_it, maybe or delete) and writes them to JSONL and HDF5.\n\n"
      "  photoscore photos/                          one process, OpenMP threads on every core\n"
      "  mpirun -np 4 photoscore photos/             rank 0 deals and writes; ranks 1-3 run one analyzer "
      "each\n"
      "  mpirun -np 8 photoscore --layout farm DIR   every worker rank runs all analyzers on whole photos\n\n"
      "Results do not depend on how the job ran: every mode writes the same JSONL bytes.\n"
      "Exit status: 0 the run completed: every file has its row (files that could not be scored have an\n"
      "error row each, counted on stderr and in the summary; with --fail-on-errors they make it 1);\n"
      "2 bad arguments, unusable input folder, or outputs that would destroy something (an input, a device,\n"
      "existing results without --force or --resume, a job already writing them); 3 the job failed (output\n"
      "error, MPI failure); 4 stopped by SIGTERM or SIGINT: the outputs hold the photos finished (run again\n"
      "with --resume to score the rest).",
      "photoscore"};
  app.get_formatter()->column_width(34);
  app.add_option("INPUT_DIR", o.input_dir,
                 "Folder of photos, any case: " + formats_help() + ". Other files are counted, not scored")
      ->required();
  // --- finding photos ---
  app.add_flag("-r,--recursive", o.recursive,
               "Subfolders too (a card's DCIM/100CANON/...): filename becomes the path relative to INPUT_DIR; "
               "symlinked folders are followed once; dotfiles and hidden folders are passed over");
  app.add_flag("--list", o.list,
               "Only report what would be scored: files per format, megapixels from the headers and an estimated "
               "time. Writes no output files");
  // --- end finding photos ---
  // The words become enums once, right after parsing; nothing after
  // start-up compares them.
  std::string mode_word;
  std::string layout_word = "roles";
  app.add_option("--mode", mode_word,
                 "threads: everything in one process with OpenMP threads; mpi: rank 0 deals the photos and "
                 "writes the rows, the other "
                 "ranks analyze. Default: mpi when started on more than one rank, threads otherwise")
      ->check(CLI::IsMember({"threads", "mpi"}));
  app.add_option("--layout", layout_word,
                 "MPI layout. roles: each analyzer rank runs one analyzer on every photo it is broadcast (the "
                 "seed's network); farm: each worker rank decodes a photo once and runs all analyzers")
      ->check(CLI::IsMember({"roles", "farm"}))
      ->capture_default_str();
  // Counts are read as words and checked by parse_count: CLI11 would let
  // 99999999999999999999 through as a wrapped number.
  std::string threads_word;
  std::string max_images_word;
  app.add_option("--threads", threads_word, "OpenMP threads per rank (default: OMP_NUM_THREADS, else every core; under MPI, the node's cores shared among its ranks)");
  app.add_option("--jsonl", o.jsonl, "JSONL archive to write, one row per file")->capture_default_str();
  app.add_option("--h5", o.h5, "HDF5 file to write: rows, provenance and timings")->capture_default_str();
  app.add_option("--csv", o.csv, "Also write the rows as CSV (RFC 4180, a header line; for spreadsheets)");
  // --- safety ---
  app.add_flag(
      "--force", o.force,
      "Replace existing results (JSONL, HDF5, CSV, their .meta and .lock) and sidecars that are not XMP "
      "(--xmp); without it, or --resume, a run refuses to start over them");
  app.add_flag("--resume", o.resume,
               "Keep the rows of an interrupted run's JSONL (checked against the file list and NAME.meta's "
               "options), score the rest, rewrite the HDF5 whole: the same files as one uninterrupted run")
      ->excludes("--force");
  // --- end safety ---
  app.add_flag("-q,--quiet", o.quiet,
               "No per-photo dashboard lines, no progress and no timing table (the summary is still printed)");
  app.add_flag("--fail-on-errors", o.fail_on_errors,
               "Exit 1 when some files could not be scored (each still has its error row); by default a run "
               "that gave every file its row exits 0, so batch systems count it a success");
  app.add_option("--analyzers", o.analyzers, analyzer_help())->delimiter(',');
  app.add_option("--weights", o.weights,
                 "Merge weights, in --analyzers order (0.4,0.4,0.2) or by name (sharpness=0.5,exposure=0.3,...; "
                 "unnamed ones keep their default). Default: 0.4/0.4/0.2; with color 0.36/0.36/0.18/0.10");
  app.add_option("--thresholds", o.thresholds,
                 "POST_IT,MAYBE: a photo is post_it above the first quality score, maybe above the second, else "
                 "delete (default 0.5,0.3)");
  app.add_option("--max-images", max_images_word, "Score only the first N files of the sorted list");
  app.add_option("--shard", o.shard,
                 "I/N: score only shard I (0-based) of N: every N-th file of the sorted list from the I-th, so N "
                 "array tasks cover the folder exactly once");
  app.add_option("--max-megapixels", o.max_megapixels,
                 "Refuse (with an error row) photos whose header claims more pixels than this")
      ->capture_default_str();
  std::string read_word = "auto";
  app.add_option("--read", read_word,
                 "MPI: who reads the photo files. auto: each node checks at start that it sees the input as rank 0 "
                 "listed it (the same files, the same sizes); the ranks of nodes that do read their own photos, "
                 "rank 0 reads and sends for the others (one line on stderr says which). workers: the ranks read "
                 "their own photos; a node that cannot see the input is refused at start (exit 2). rank0: rank 0 "
                 "reads every file and sends its bytes (only rank 0 needs to see the folder)")
      ->check(CLI::IsMember({"auto", "rank0", "workers"}))
      ->capture_default_str();
  app.add_option("--max-file-mb", o.max_file_mb,
                 "Refuse (with an error row), without reading them, files larger than this many MiB")
      ->check(finite_in(0.0, std::numeric_limits<double>::max(), true))
      ->capture_default_str();
  app.add_option(
         "--memory-budget", o.memory_budget_mb,
         "MB of photos one process holds at once (thread mode): threads wait for room, a photo larger "
         "than all of it gets an error row; 0 for none. Default: 80% of the memory the job may use "
         "(machine, cgroup or Slurm --mem), shared among the ranks of a node")
      ->check(finite_in(0.0, 1e9));
  // --- decoder isolation ---
  std::string decoders_word = "isolated";
  app.add_option(
         "--decoders", decoders_word,
         "isolated: camera RAW, HEIF and TIFF are decoded in helper processes, so a file that crashes or "
         "hangs its decoding library gets an error row and the job goes on; in-process: every format "
         "decoded in photoscore itself (trusted input only: a crashing file ends the job)")
      ->check(CLI::IsMember({"isolated", "in-process"}))
      ->capture_default_str();
  app.add_option("--decode-timeout", o.decode_timeout,
                 "Seconds a decoder helper may take on one photo before it is killed and the photo gets an "
                 "error row (with --decoders isolated); its memory is bounded by --memory-budget")
      ->check(finite_in(0.001, kMaxDecodeTimeout))
      ->capture_default_str();
  // --- end decoder isolation ---
  app.add_option(
         "--shared-mb", o.shared_mb,
         "MPI roles layout: MiB of shared memory each analyzer rank keeps for the photos it decodes, "
         "which the other ranks of its group (when all on one node) then score in place, without a copy "
         "each. Default 512 at most; its pages are reserved 32 MiB at a time as the photos in flight "
         "reach them (a photo whose pages cannot be reserved goes by broadcast); never more than half of "
         "/dev/shm's free space shared by the node's ranks; 0 sends the pixels by broadcast")
      ->check(finite_in(0.0, 1048576.0));
  app.add_option(
         "--in-flight", o.in_flight,
         "MPI: photos a farm worker is dealt at first (roles: 2 more, per analyzer rank of a group); then "
         "each batch is about 0.2 s of the group's work")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  std::string leaders_word = "auto";
  app.add_option(
         "--leaders", leaders_word,
         "MPI: on: rank 0 deals to one leader rank a node, which deals on to its node's other ranks and "
         "sends rank 0 their rows in large blocks (with thousands of ranks it keeps rank 0's messages "
         "few). A leader is its node's first rank and sleeps while it waits: launch one rank more a node "
         "than its cores (Slurm: --ntasks=NODES x (CORES + 1) --overcommit) and it shares them. auto: on "
         "from 512 ranks on two nodes or more, where every rank reads its own photos. off: rank 0 deals to "
         "every group itself")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  // --- calibrated profile ---
  {
    std::string help = "Scoring profile; the archive keys are the same under each (docs/profiles.md):";
    std::vector<std::string> names;
    for (const auto& p : all_profiles()) {
      help += "\n  " + p.name + ": " + p.summary;
      names.push_back(p.name);
    }
    app.add_option("--profile", o.profile, help)->check(CLI::IsMember(names))->capture_default_str();
  }
  // --- end calibrated profile ---
  add_act_options(app, o.act);  // progress, acting on verdicts, plain output
  add_group_options(app, o.groups);  // bursts and near-duplicates
  app.set_version_flag("-V,--version", std::string("photoscore ") + PHOTOSCORE_VERSION + " (" + PHOTOSCORE_GIT_HASH + ")");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    result.stop = true;
    result.message = app.help();
    return result;
  } catch (const CLI::CallForVersion& e) {
    result.stop = true;
    result.message = e.what();
    result.message += "\n";
    return result;
  } catch (const CLI::ParseError& e) {
    result.stop = true;
    result.exit_code = 2;
    result.message_is_error = true;
    std::string what = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
      std::vector<std::string> known;
      for (const CLI::Option* option : app.get_options()) {
        for (const std::string& name : option->get_lnames()) known.push_back("--" + name);
      }
      if (std::string unknown = unknown_options_message(app.remaining(), known); !unknown.empty())
        what = unknown;
    }
    result.message = "photoscore: " + what + " (see photoscore --help)\n";
    return result;
  }
  if (!mode_word.empty()) o.mode = parse_mode(mode_word);
  o.layout = parse_layout(layout_word).value_or(Layout::Roles);
  o.read = parse_read_mode(read_word).value_or(ReadMode::Auto);
  o.leaders = leaders_word == "on" ? LeaderMode::On : leaders_word == "off" ? LeaderMode::Off : LeaderMode::Auto;
  o.decoders_in_process = decoders_word == "in-process";
  try {
    // CLI11 checks the types and signs (and NaN, with finite_in); the bounds
    // that keep a run sane, and NaN in the values read here, are checked
    // here.
    if (!threads_word.empty()) {
      o.threads = static_cast<int>(parse_count(threads_word, "--threads", max_threads()));
      if (o.threads < 1) throw std::invalid_argument("--threads: at least 1");
    }
    if (!max_images_word.empty()) {
      o.max_images = parse_count(max_images_word, "--max-images", std::numeric_limits<long long>::max());
    }
    if (!std::isfinite(o.max_megapixels) || o.max_megapixels <= 0 || o.max_megapixels > kMaxMegapixels) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", o.max_megapixels);
      throw std::invalid_argument(std::string("--max-megapixels: ") + text + " is not in (0, " +
                                  std::to_string(static_cast<long long>(kMaxMegapixels)) + "]");
    }
    // A budget below one MB is no budget anyone means: it rounded to 0
    // bytes, which is "none".
    if (o.memory_budget_mb > 0 && o.memory_budget_mb < 1) {
      char text[64];
      std::snprintf(text, sizeof text, "%g", o.memory_budget_mb);
      throw std::invalid_argument(std::string("--memory-budget: ") + text +
                                  " MB is less than 1 MB; 0 means no budget");
    }
    if (!o.shard.empty()) {
      const auto slash = o.shard.find('/');
      if (slash == std::string::npos) throw std::invalid_argument("--shard: expected I/N, got '" + o.shard + "'");
      const long long i = parse_count(o.shard.substr(0, slash), "--shard", kMaxShards);
      const long long n = parse_count(o.shard.substr(slash + 1), "--shard", kMaxShards);
      if (n < 1 || i >= n) throw std::invalid_argument("--shard: need 0 <= I < N, got '" + o.shard + "'");
      o.shard_index = static_cast<int>(i);
      o.shard_count = static_cast<int>(n);
    }
    (void)make_policy(o);
  } catch (const std::invalid_argument& e) {
    result.stop = true;
    result.exit_code = 2;
    result.message_is_error = true;
    result.message = std::string("photoscore: ") + e.what() + " (see photoscore --help)\n";
  }
  return result;
}

MergePolicy make_policy(const Options& o) {
  MergePolicy policy;
  const Profile* profile = find_profile(o.profile);
  if (!profile) throw std::invalid_argument("--profile: unknown profile '" + o.profile + "'");
  const std::vector<std::string> names = o.analyzers.empty() ? profile->default_names() : o.analyzers;
  for (const auto& name : names) {
    const AnalyzerSpec* spec = profile->find(name);
    if (!spec) {
      std::string known;
      for (std::size_t i = 0; i < profile->analyzers.size(); ++i) {
        known += i == 0 ? "" : i + 1 == profile->analyzers.size() ? " and " : ", ";
        known += profile->analyzers[i].name;
      }
      throw std::invalid_argument("--analyzers: unknown analyzer '" + name + "'; the " + profile->name +
                                  " profile has " + known);
    }
    for (const auto* seen : policy.analyzers) {
      if (seen == spec) throw std::invalid_argument("--analyzers: '" + name + "' given twice");
    }
    policy.analyzers.push_back(spec);
  }
  policy.weights = default_weights(policy.analyzers);
  if (!o.weights.empty()) {
    const auto parts = split(o.weights, ',');
    const bool named = o.weights.find('=') != std::string::npos;
    if (!named && parts.size() != names.size())
      throw std::invalid_argument("--weights: " + std::to_string(parts.size()) + " weights for " +
                                  std::to_string(names.size()) + " analyzers");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      std::size_t index = i;
      std::string value = parts[i];
      if (named) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos) throw std::invalid_argument("--weights: expected NAME=W, got '" + parts[i] + "'");
        const std::string name = parts[i].substr(0, eq);
        index = names.size();
        for (std::size_t k = 0; k < names.size(); ++k) {
          if (names[k] == name) index = k;
        }
        if (index == names.size()) throw std::invalid_argument("--weights: '" + name + "' is not a selected analyzer");
        value = parts[i].substr(eq + 1);
      }
      const double w = parse_number(value, "--weights");
      if (w < 0) throw std::invalid_argument("--weights: weights cannot be negative");
      policy.weights[index] = w;
    }
    double total = 0.0;
    for (double w : policy.weights) total += w;
    // All zero would divide by zero in the merge; huge ones overflow the sum.
    if (!(total > 0.0)) throw std::invalid_argument("--weights: at least one weight must be above 0");
    if (!std::isfinite(total)) throw std::invalid_argument("--weights: the weights are too large");
  }
  if (!o.thresholds.empty()) {
    const auto parts = split(o.thresholds, ',');
    if (parts.size() != 2) throw std::invalid_argument("--thresholds: expected POST_IT,MAYBE");
    policy.post_it_above = parse_number(parts[0], "--thresholds");
    policy.maybe_above = parse_number(parts[1], "--thresholds");
    for (double t : {policy.post_it_above, policy.maybe_above}) {
      if (t < 0.0 || t > 1.0) throw std::invalid_argument("--thresholds: cut-offs are quality scores, in [0, 1]");
    }
    if (policy.post_it_above < policy.maybe_above)
      throw std::invalid_argument("--thresholds: the post_it cut-off must not be below the maybe cut-off");
  }
  return policy;
}

int max_threads() { return 64 * omp_get_num_procs(); }

std::string scoring_options(const Options& o, const MergePolicy& policy) {
  // The shortest text that reads back as the same double: 0.4 stays 0.4,
  // and 0.4 and 0.4000001 do not pass for equal.
  const auto number = [](double v) {
    char text[40];
    for (int digits = 15; digits <= 17; ++digits) {
      std::snprintf(text, sizeof text, "%.*g", digits, v);
      if (std::strtod(text, nullptr) == v) break;
    }
    return std::string(text);
  };
  std::string line = "profile=" + o.profile + " analyzers=";
  for (std::size_t i = 0; i < policy.analyzers.size(); ++i) line += (i ? "," : "") + policy.analyzers[i]->name;
  line += " weights=";
  for (std::size_t i = 0; i < policy.weights.size(); ++i) line += (i ? "," : "") + number(policy.weights[i]);
  line += " thresholds=" + number(policy.post_it_above) + "," + number(policy.maybe_above);
  line += " max_megapixels=" + number(o.max_megapixels);
  line += std::string(" recursive=") + (o.recursive ? "1" : "0");
  line += " shard=" + (o.shard.empty() ? std::string("all") : std::to_string(o.shard_index) + "/" +
                                                                     std::to_string(o.shard_count));
  if (!o.groups.file.empty()) line += std::string(" ") + kGroupingColumns;
  return line;
}

int resolve_threads(const Options& o) {
  if (o.threads > 0) return o.threads;
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return std::min(n, max_threads());
  }
  return omp_get_num_procs();
}

}  // namespace photoscore
