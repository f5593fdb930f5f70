#include "app/act_options.hpp"

#include <CLI/CLI.hpp>

#include "app/number_checks.hpp"

namespace photoscore {

void add_act_options(CLI::App& app, ActOptions& act) {
  app.add_option(
         "--progress", act.progress_seconds,
         "Seconds between progress lines on stderr when it is not a terminal (a batch log); on a terminal "
         "one line updates in place. -q silences it")
      ->check(finite_in(0.0, std::numeric_limits<double>::max(), true))
      ->capture_default_str();
  app.add_flag("--no-photos", act.no_photos,
               "No per-photo dashboard blocks (for 100,000 photos): progress, summary and timing table stay");
  app.add_flag("--plain", act.plain,
               "Plain ASCII dashboard: no emoji, box drawing or colour (as without a UTF-8 terminal; with "
               "--color always: colour, in ASCII)");
  app.add_option_function<std::string>(
         "--color",
         [&act](const std::string& word) {
           act.color = word == "always"  ? ColorChoice::Always
                       : word == "never" ? ColorChoice::Never
                                         : ColorChoice::Auto;
         },
         "auto: colour, emoji and a progress line redrawn in place only on a person's terminal (not a "
         "file or pipe, nor the terminal mpirun gives its ranks; colour not with NO_COLOR or TERM=dumb); "
         "always: as on a terminal, also in a batch log; never: no colour")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto");
  app.add_option(
      "--link-into", act.link_into,
      "Make DIR/post_it, DIR/maybe, DIR/delete (and DIR/error for unreadable files) holding a symlink "
      "to each photo, named by its filename with '%' and '/' percent-encoded. Photos are never moved or "
      "deleted; existing links are replaced, other files left alone; with -r, DIR may not be inside "
      "INPUT_DIR. A link that cannot be made is a warning");
  app.add_flag(
      "--xmp", act.xmp,
      "Write an XMP sidecar per photo: xmp:Rating (post_it 5, maybe 3, delete -1 = rejected), "
      "xmp:Label (Green, Yellow, Red) and the scores. An existing sidecar (darktable, digiKam) is updated "
      "and keeps everything else; one that is not XMP is left alone unless --force. A sidecar that "
      "cannot be written is a warning");
  app.add_option(
         "--xmp-sidecar", act.xmp_sidecar,
         "Sidecar name: photo.ext.xmp (IMG_1.JPG.xmp: darktable, digiKam's default; one per file, so a "
         "RAW+JPEG pair gets two) or photo.xmp (IMG_1.xmp: Lightroom, digiKam's compatible mode; a pair's "
         "second photo gets none)")
      ->check(CLI::IsMember({"photo.ext.xmp", "photo.xmp"}))
      ->capture_default_str();
  app.add_option("--report", act.report,
                 "Write one self-contained HTML page: photos grouped by verdict, sortable by score, with "
                 "thumbnails and sub-scores");
  app.add_option("--report-thumbnails", act.report_thumbnails,
                 "Thumbnails in the report per verdict, the best-scored first (bounds its size)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option(
      "--summary-json", act.summary_json,
      "Write a JSON summary for scripts: counts per verdict, errors, best shots, wall time, images/s, "
      "options");
}

}  // namespace photoscore
