#pragma once
// Where merged rows go. Runners call open once, write once per photo in file
// order, and close once with the run's final provenance and timings.
#include <cstdint>
#include <memory>
#include <vector>

#include "record/run_info.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void open(const RunInfo&) {}
  // A row kept from an earlier run's JSONL (--resume), given after open()
  // and before the first write(). By default it is a row like the others
  // (with no timings): a resumed run ends with what one run would have made
  // (HDF5, CSV, the report, the summary, the links, the sidecars). The
  // exceptions say so: the JSONL already holds it, the dashboard only
  // counts it, and what reports on this run's own work (progress, error
  // lines) leaves it out.
  virtual void resume(const ScoredRow& row) { write(row, ImageTiming{}); }
  virtual void write(const ScoredRow& row, const ImageTiming& timing) = 0;
  virtual void close(const RunInfo&) {}
  // What this sink does beside the results, per photo (an XMP sidecar, a
  // link), that it could not do: each a warning for that photo, which does
  // not stop the job. Read after the last write, before close: the summary
  // and /run count them.
  virtual std::int64_t warnings() const { return 0; }
};

// Fans every call out to several sinks, in order.
class SinkSet final : public RowSink {
 public:
  void add(std::unique_ptr<RowSink> sink) { sinks_.push_back(std::move(sink)); }
  void open(const RunInfo& info) override {
    for (auto& s : sinks_) s->open(info);
  }
  void resume(const ScoredRow& row) override {
    for (auto& s : sinks_) s->resume(row);
  }
  void write(const ScoredRow& row, const ImageTiming& timing) override {
    for (auto& s : sinks_) s->write(row, timing);
  }
  void close(const RunInfo& info) override {
    for (auto& s : sinks_) s->close(info);
  }
  std::int64_t warnings() const override {
    std::int64_t n = 0;
    for (const auto& s : sinks_) n += s->warnings();
    return n;
  }

 private:
  std::vector<std::unique_ptr<RowSink>> sinks_;
};

}  // namespace photoscore
