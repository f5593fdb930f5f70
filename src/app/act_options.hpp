#pragma once
// Options for acting on verdicts and for what people read:
// progress, links per verdict, XMP sidecars, the HTML report, the summary
// for scripts, plain output and colour. Kept apart from options.cpp so that the
// core options and these evolve without stepping on each other.
#include <string>

#include "output/text_style.hpp"

namespace CLI {
class App;
}

namespace photoscore {

struct ActOptions {
  double progress_seconds = 30.0;  // --progress: a plain line this often when stderr is not a terminal
  bool no_photos = false;          // --no-photos: no per-photo dashboard blocks (progress and summary stay)
  bool plain = false;              // --plain: no emoji, box drawing or colour, even on a UTF-8 terminal
  ColorChoice color = ColorChoice::Auto;  // --color auto|always|never
  std::string link_into;           // --link-into DIR: DIR/post_it, DIR/maybe, DIR/delete, DIR/error
  bool xmp = false;                // --xmp: a sidecar per photo
  std::string xmp_sidecar = "photo.ext.xmp";  // --xmp-sidecar: photo.ext.xmp or photo.xmp
  std::string report;                         // --report FILE.html
  int report_thumbnails = 60;                 // --report-thumbnails: per verdict, the best-scored first
  std::string summary_json;                   // --summary-json FILE
};

// Registers the options above on `app`, writing into `act`.
void add_act_options(CLI::App& app, ActOptions& act);

}  // namespace photoscore
