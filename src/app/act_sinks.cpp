#include "app/act_sinks.hpp"

#include <cmath>
#include <string>

#include "output/link_sink.hpp"
#include "output/report_sink.hpp"
#include "output/summary_json_sink.hpp"
#include "output/xmp_sink.hpp"

namespace photoscore {

void add_action_sinks(SinkSet& sinks, const Options& options, const Job& job) {
  const ActOptions& act = options.act;
  if (!act.link_into.empty()) sinks.add(std::make_unique<LinkSink>(act.link_into, stderr));
  if (act.xmp) {
    const auto naming =
        act.xmp_sidecar == "photo.ext.xmp" ? XmpSink::Naming::PhotoExtXmp : XmpSink::Naming::PhotoXmp;
    sinks.add(std::make_unique<XmpSink>(job.policy.analyzers, naming, options.force, stderr));
  }
  if (!act.report.empty())
    sinks.add(std::make_unique<ReportSink>(act.report, job.policy.analyzers, act.report_thumbnails));
  if (!act.summary_json.empty()) sinks.add(std::make_unique<SummaryJsonSink>(act.summary_json));
}

void warn_about_weights(const MergePolicy& policy, std::FILE* out) {
  double sum = 0.0;
  for (const double w : policy.weights) sum += w;
  if (std::fabs(sum - 1.0) <= 1e-9) return;
  std::string list;
  for (std::size_t i = 0; i < policy.weights.size() && i < policy.analyzers.size(); ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%s=%g", i ? "," : "", policy.analyzers[i]->name.c_str(),
                  policy.weights[i]);
    list += text;
  }
  std::fprintf(
      out, "photoscore: warning: the weights add up to %g, not 1 (%s): quality scores and verdicts shift\n",
      sum, list.c_str());
}

}  // namespace photoscore
