#pragma once
// Where merged rows go. Runners call open once, write once per photo in file
// order, and close once with the run's final provenance and timings.
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
  // and before the first write(): sinks rewritten whole (HDF5, CSV, the
  // report, the summary) and the links and sidecars take it as a row (a
  // resumed run ends with what one run would have made); the JSONL already
  // holds it; the dashboard only counts it.
  virtual void resume(const ScoredRow&) {}
  virtual void write(const ScoredRow& row, const ImageTiming& timing) = 0;
  virtual void close(const RunInfo&) {}
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

 private:
  std::vector<std::unique_ptr<RowSink>> sinks_;
};

}  // namespace photoscore
