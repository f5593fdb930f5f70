#pragma once
// The ordered write stage every mode ends in. Photos finish in any order
// (threads race, MPI ranks answer when they answer) and arrive here as
// blocks of consecutive rows already merged and formatted where they were
// scored (output/row_block.hpp); blocks leave strictly in file order, each
// given whole to the same sinks. With every row's bytes made by the same
// formatters in every mode, this is where the byte-identical guarantee
// between thread mode, both MPI layouts and every rank or thread count
// lives: nothing here looks inside a row.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "output/row_block.hpp"
#include "output/row_sink.hpp"
#include "record/run_info.hpp"

namespace photoscore {

class OrderedWriter {
 public:
  // `window`: how far past the oldest unwritten row work may run ahead; it
  // bounds the rows held back behind one slow photo. `commit_seconds`: how
  // long written rows may wait in the sinks' buffers (the JSONL's group
  // commit) before they are flushed; 0 flushes after every write.
  OrderedWriter(RowSink& sinks, std::size_t window, double commit_seconds = 0.0);

  // Whether row `index` may be started now (never blocks).
  bool has_room(std::size_t index) const;
  // Blocks until row `index` may be started; false once the writer failed
  // (a sink threw), when the caller must stop.
  bool wait_for_room(std::size_t index);

  // Hands over a block of rows, formatted for the sink's formats(). Safe
  // from any thread: the first caller to find the next block in file order
  // writes every block that is ready, the others return at once and go back
  // to work. A sink that throws ends the writer: failed() turns true and
  // rethrow_failure() rethrows on the caller's thread.
  void finish(RowBlock&& block);
  // The same for a block as it travelled (encode_block), from byte `from`
  // of `bytes` on; throws std::runtime_error when they are not a block.
  void finish_encoded(std::string&& bytes, std::size_t from = 0);

  // The buffers of encoded blocks written since the last call, for the
  // caller to receive into again (a few at most).
  std::vector<std::string> take_spent();

  // Flushes the sinks if written rows have waited commit_seconds.
  void tick();

  // The sinks' record tables assembled by other ranks (RowSink::assemble_elsewhere), under the lock.
  bool assemble_elsewhere();
  std::vector<ChunkPiece> take_chunk_pieces();
  void rows_complete();
  void write_filtered(std::uint64_t key, std::string&& filtered);
  // The sinks' rows other ranks write themselves (RowSink::lane_target), under the lock.
  std::optional<JsonlTarget> lane_target() const;
  std::vector<JsonlGrant> take_grants();
  void landed(std::uint64_t owner, std::uint64_t key);
  bool awaiting_lanes() const;

  // Ends the writer from outside (a worker thread failed): waiters wake up.
  void fail(std::exception_ptr error);
  bool failed() const;
  void rethrow_failure() const;

  std::size_t written() const;
  // Whether the rows stop short of the photos finished: one was abandoned
  // as the run stopped (a decode that could not end in time: a
  // stopped block, RowBlock::stopped), and neither it nor any after it is
  // written.
  bool stopped_short() const;
  std::int64_t errors() const;
  // Write seconds (the sinks' appends and flushes) and rows written.
  RankTiming timing() const;

 private:
  struct Pending {
    RowBlock block;     // owned sections (thread mode) ...
    std::string bytes;  // ... or the encoded block (MPI), from byte `from` on
    std::size_t from = 0;
    RowBlockView view;
    RowBlockView look() const {
      return bytes.empty() ? view_of(block) : view_block(std::string_view(bytes).substr(from));
    }
  };
  void add(std::int64_t first, Pending&& pending);
  void flush_locked(double now);

  RowSink& sinks_;
  const std::size_t window_;
  const double commit_seconds_;
  mutable std::mutex mutex_;
  std::condition_variable room_;
  std::map<std::int64_t, Pending> ready_;  // by first row
  std::size_t written_ = 0;
  std::int64_t errors_ = 0;
  bool draining_ = false;
  bool cut_ = false;               // a photo was abandoned as the run stopped: nothing more is written
  double unflushed_since_ = -1.0;  // when the oldest row not yet flushed was written; < 0: none
  std::exception_ptr failure_;
  RankTiming timing_;
  std::vector<std::string> spent_;
};

}  // namespace photoscore
