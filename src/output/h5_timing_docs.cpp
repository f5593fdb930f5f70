#include "output/h5_timing_docs.hpp"

#include <stdexcept>
#include <vector>

#include "output/h5_attributes.hpp"
#include "output/h5_error.hpp"

namespace photoscore::h5 {

namespace {

struct Doc {
  std::string unit;
  std::string description;
};

// What a /timing/ranks member holds.
Doc rank_doc(const std::string& name, bool threads) {
  // In thread mode a stage's seconds are summed over the threads.
  const std::string summed = threads ? ", summed over the rank's threads (thread-seconds)" : "";
  if (name == "rank") return {"1", "MPI rank (0 in thread mode)"};
  if (name == "role")
    return {"", "what the rank does: source+merger, leader, analyzer[NAMES], worker or threads"};
  if (name == "host") return {"", "the host the rank ran on"};
  if (name == "wall") return {"seconds", "the rank's elapsed time, from its start to its last row"};
  if (name == "read") return {"seconds", "reading photo files" + summed};
  if (name == "comm")
    return {"seconds",
            "posting, testing and completing messages that moved data (batches, photos, pixels, "
            "rows)" +
                summed};
  if (name == "wait")
    return {"seconds",
            "idle: polling and sleeping until a message arrived, nothing else to do; 0 in thread "
            "mode"};
  if (name == "decode") return {"seconds", "decoding photos" + summed};
  if (name.rfind("analyze_", 0) == 0)
    return {"seconds", "running the " + name.substr(8) + " analyzer" + summed};
  if (name == "analyze") return {"seconds", "the sum of the analyze_* columns"};
  if (name == "merge")
    return {"seconds",
            "merging a photo's analyzer results into its row and formatting it (the ranks that "
            "score); on rank 0 handling the blocks of rows that come back" +
                summed};
  if (name == "write")
    return {"seconds",
            "the sinks: appending rows to the JSONL and HDF5 files, the dashboard (rank 0 or the "
            "threads); on a scoring rank assembling and compressing the HDF5 chunks it owns" +
                summed};
  if (name == "other")
    return {"seconds", threads ? "what no stage claimed: wall x threads - the stages (start-up, bookkeeping, "
                                 "threads idle while others finish); never negative"
                               : "what no stage claimed: wall - the stages (start-up, bookkeeping between "
                                 "stages); never negative, each second is booked to one stage at most"};
  if (name == "cpu")
    return {"seconds",
            "user + system CPU seconds of the rank's process over the run, all its threads "
            "(getrusage); beside wall it tells work from waiting and from time-sharing a core"};
  if (name == "busy_cpu")
    return {"seconds",
            "CPU seconds of the rank's main thread over its part of the run, less those in its "
            "sleeping waits: what its work cost, without the time other processes held its core "
            "(wall - wait counts that too); its polls between naps count here, its OpenMP threads "
            "and decoder helpers do not (cpu has them); in thread mode, cpu"};
  if (name == "preempted")
    return {"switches",
            "times the OS took the rank's main thread off its core while it could run (involuntary "
            "context switches, getrusage) over its part of the run, as busy_cpu: each leaves its data "
            "colder, so its work costs more CPU than on a core of its own; in thread mode the "
            "process's, all its threads"};
  if (name == "images") return {"photos", "photos the rank scored, or wrote (rank 0, thread mode)"};
  if (name == "bytes_sent")
    return {"bytes",
            "bytes the rank sent to other ranks: messages, and for a broadcast it rooted the message "
            "times its receivers"};
  if (name == "peak_memory") return {"bytes", "the process's peak resident memory (VmHWM); 0 where unknown"};
  return {"", "see docs/hdf5.md"};
}

// What a /timing/images member holds.
Doc image_doc(const std::string& name) {
  if (name == "index") return {"1", "the row's number in /scores"};
  if (name == "filename") return {"", "the photo's file name, as in /scores"};
  if (name == "ranks") return {"", "the ranks that worked on the photo, e.g. 1,2,3"};
  if (name == "read") return {"seconds", "reading the file"};
  if (name == "decode") return {"seconds", "decoding, summed over the ranks that decoded it"};
  if (name.rfind("analyze_", 0) == 0) return {"seconds", "running the " + name.substr(8) + " analyzer"};
  if (name == "latency")
    return {"seconds",
            "from the photo's start to its row formatted, on the clock of the rank that formatted "
            "it: in thread mode from the read, under MPI from its batch's arrival at the group's "
            "merging rank"};
  return {"", "see docs/hdf5.md"};
}

template <typename DocOf>
void document(hid_t file, const char* table, const std::string& path, DocOf doc_of) {
  const std::string where = std::string("documenting /") + table;
  Id data = checked(H5Dopen2(file, table, H5P_DEFAULT), H5Dclose, path, where);
  Id type = checked(H5Dget_type(data.get()), H5Tclose, path, where);
  const int members = H5Tget_nmembers(type.get());
  if (members < 0) throw std::runtime_error("cannot write " + path + ": " + where);
  std::vector<std::string> names, units, descriptions;
  for (int i = 0; i < members; ++i) {
    char* raw = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    if (!raw) throw std::runtime_error("cannot write " + path + ": " + where);
    names.emplace_back(raw);
    H5free_memory(raw);
    const Doc doc = doc_of(names.back());
    units.push_back(doc.unit);
    descriptions.push_back(doc.description);
  }
  Attributes attributes(data.get(), path);
  attributes.strings("columns", names);
  attributes.strings("units", units);
  attributes.strings("descriptions", descriptions);
}

}  // namespace

void write_timing_docs(hid_t file, bool thread_mode, const std::string& path) {
  document(file, "timing/ranks", path, [&](const std::string& name) { return rank_doc(name, thread_mode); });
  document(file, "timing/images", path, image_doc);
}

}  // namespace photoscore::h5
