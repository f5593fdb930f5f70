#include "app/output_list.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "output/csv_sink.hpp"
#include "output/groups_sink.hpp"
#include "output/h5_sink.hpp"
#include "output/jsonl_sink.hpp"
#include "output/link_sink.hpp"
#include "output/report_sink.hpp"
#include "output/summary_json_sink.hpp"
#include "output/xmp_sink.hpp"
#include "run/photo_thumbnail.hpp"

namespace photoscore {

namespace {

std::unique_ptr<RowSink> h5_sink(const SinkInputs& in) {
  return std::make_unique<H5Sink>(in.options.h5, in.job.format, in.grouping);
}

std::unique_ptr<RowSink> csv_sink(const SinkInputs& in) {
  return std::make_unique<CsvSink>(in.options.csv, in.job.format);
}

std::unique_ptr<RowSink> jsonl_sink(const SinkInputs& in) {
  return std::make_unique<JsonlSink>(in.options.jsonl, in.job.format, in.jsonl_keep);
}

std::unique_ptr<RowSink> groups_sink(const SinkInputs& in) {
  return std::make_unique<GroupsSink>(in.options.groups.file, in.job.format, in.grouping);
}

std::unique_ptr<RowSink> link_sink(const SinkInputs& in) {
  return std::make_unique<LinkSink>(in.options.act.link_into, stderr, in.grouping);
}

std::unique_ptr<RowSink> xmp_sink(const SinkInputs& in) {
  const auto naming = in.options.act.xmp_sidecar == "photo.ext.xmp" ? XmpSink::Naming::PhotoExtXmp
                                                                    : XmpSink::Naming::PhotoXmp;
  return std::make_unique<XmpSink>(in.job.policy.analyzers, naming, in.options.force, stderr);
}

std::unique_ptr<RowSink> report_sink(const SinkInputs& in) {
  return std::make_unique<ReportSink>(
      in.options.act.report, in.job.policy.analyzers, in.options.act.report_thumbnails,
      thumbnail_maker(ReportSink::kThumbnailSide, in.job.limits, in.job.memory_budget), in.grouping);
}

std::unique_ptr<RowSink> summary_json_sink(const SinkInputs& in) {
  return std::make_unique<SummaryJsonSink>(in.options.act.summary_json, in.grouping);
}

using K = OutputKind;

const std::array<OutputEntry, 8> kOutputs = {{
    {"--h5", K::File, "\x89HDF\r\n\x1a\n", true, [](const Options& o) { return o.h5; }, h5_sink},
    {"--csv", K::File, "filename,", false, [](const Options& o) { return o.csv; }, csv_sink},
    {"--jsonl", K::File, "", true, [](const Options& o) { return o.jsonl; }, jsonl_sink},
    // A groups file starts with its first group; one without groups is empty.
    {"--groups", K::File, "{\"kind\":", false, [](const Options& o) { return o.groups.file; }, groups_sink},
    {"--link-into", K::LinkFolder, "", false, [](const Options& o) { return o.act.link_into; }, link_sink},
    {"--xmp", K::Sidecars, "", false,
     [](const Options& o) { return o.act.xmp ? o.input_dir : std::string(); }, xmp_sink},
    {"--report", K::File, "<!DOCTYPE html>", false, [](const Options& o) { return o.act.report; },
     report_sink},
    {"--summary-json", K::File, "{", false, [](const Options& o) { return o.act.summary_json; },
     summary_json_sink},
}};

}  // namespace

std::span<const OutputEntry> all_outputs() { return kOutputs; }

bool asked_for(const OutputEntry& output, const Options& options) {
  return output.always || !output.path(options).empty();
}

const OutputEntry& jsonl_output() {
  for (const OutputEntry& o : kOutputs) {
    if (o.flag == "--jsonl") return o;
  }
  throw std::logic_error("no --jsonl in the list of outputs");
}

}  // namespace photoscore
