#include "output/h5_sink.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace photoscore {

namespace {

constexpr hsize_t kRowsPerChunk = 1024;
constexpr hsize_t kRanksPerChunk = 64;
constexpr unsigned kDeflateLevel = 4;

// The innermost message of the HDF5 error stack, where the failure was
// detected: the outer frames only repeat the API call's name, and the stack
// as HDF5 prints it is a page long. The file drivers embed the system's
// reason ("error message = 'No space left on device'"); that alone is what a
// user needs.
std::string hdf5_reason() {
  std::string desc;
  std::string minor;
  struct Found {
    std::string* desc;
    std::string* minor;
  } found{&desc, &minor};
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        auto& f = *static_cast<Found*>(data);
        *f.desc = e->desc ? e->desc : "";
        char text[128] = {};
        if (H5Eget_msg(e->min_num, nullptr, text, sizeof text) > 0) *f.minor = text;
        return 1;  // stop after the innermost frame
      },
      &found);
  H5Eclear2(H5E_DEFAULT);
  const std::string marker = "error message = '";
  if (const auto at = desc.find(marker); at != std::string::npos) {
    const auto start = at + marker.size();
    const auto end = desc.find('\'', start);
    if (end != std::string::npos) return desc.substr(start, end - start) + (minor.empty() ? "" : " (" + minor + ")");
  }
  std::string reason = desc;
  if (!minor.empty()) reason += (reason.empty() ? "" : " ") + ("(" + minor + ")");
  for (char& c : reason) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return reason.empty() ? "unknown HDF5 error" : reason;
}

[[noreturn]] void h5_fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("cannot write " + path + ": " + what + " failed: " + hdf5_reason());
}

// HDF5 ids are plain integers; this releases each one also when a later
// call throws.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Id() { reset(); }
  hid_t get() const { return id_; }
  // Closing a file is where buffered data reaches the disk, so its failure
  // must be seen: close() reports it, reset() (for unwinding) does not.
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && closer_) status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*closer_)(hid_t) = nullptr;
};

// Returns `id` or throws: every create/open call goes through here.
Id checked(hid_t id, herr_t (*closer)(hid_t), const std::string& path, const std::string& what) {
  if (id < 0) h5_fail(path, what);
  return Id(id, closer);
}

void check(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) h5_fail(path, what);
}

// HDF5 stores the bytes it is given; h5py and pandas then decode them as
// UTF-8. A file name need not be valid UTF-8, so invalid bytes become U+FFFD
// exactly as in the JSONL (nlohmann's "replace"), and both files agree.
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    const unsigned c = b[i];
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len >= s.size()) return false;
    if (b[i + 1] < lo || b[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= len; ++k) {
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return false;
    }
    i += len + 1;
  }
  return true;
}

std::string as_utf8(const std::string& s) {
  if (valid_utf8(s)) return s;
  const std::string quoted = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

Id utf8_string_type(const std::string& path) {
  Id type = checked(H5Tcopy(H5T_C_S1), H5Tclose, path, "creating a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), path, "creating a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "creating a string type");
  return type;
}

// An extendible, chunked, compressed 1-D table of compound rows, filled a
// block at a time so that only one chunk's worth of rows is ever held.
class Table {
 public:
  enum class Kind { F64, I32, I64, Str };

  void add(std::string name, Kind kind) { columns_.push_back({std::move(name), kind, 0}); }

  void create(hid_t parent, const char* name, hsize_t chunk_rows, const std::string& path) {
    path_ = path;
    name_ = std::string("/") + name;
    chunk_rows_ = chunk_rows;
    Id str = utf8_string_type(path);
    // Memory rows are laid out naturally aligned; the file type is packed
    // with little-endian standard types, so files are the same everywhere.
    std::size_t offset = 0;
    std::size_t file_size = 0;
    for (auto& c : columns_) {
      const std::size_t size = c.kind == Kind::I32 ? 4 : 8;
      offset = (offset + size - 1) / size * size;
      c.offset = offset;
      offset += size;
      file_size += c.kind == Kind::Str ? H5Tget_size(str.get()) : size;
    }
    row_size_ = (offset + 7) / 8 * 8;
    mem_type_ = checked(H5Tcreate(H5T_COMPOUND, row_size_), H5Tclose, path, "creating the type of " + name_);
    Id file_type = checked(H5Tcreate(H5T_COMPOUND, file_size), H5Tclose, path, "creating the type of " + name_);
    std::size_t file_offset = 0;
    for (const auto& c : columns_) {
      hid_t native = H5T_NATIVE_DOUBLE;
      hid_t stored = H5T_IEEE_F64LE;
      if (c.kind == Kind::I32) {
        native = H5T_NATIVE_INT32;
        stored = H5T_STD_I32LE;
      } else if (c.kind == Kind::I64) {
        native = H5T_NATIVE_INT64;
        stored = H5T_STD_I64LE;
      } else if (c.kind == Kind::Str) {
        native = stored = str.get();
      }
      check(H5Tinsert(mem_type_.get(), c.name.c_str(), c.offset, native), path, "adding " + name_ + "." + c.name);
      check(H5Tinsert(file_type.get(), c.name.c_str(), file_offset, stored), path, "adding " + name_ + "." + c.name);
      file_offset += H5Tget_size(stored);
    }

    const hsize_t dims[1] = {0};
    const hsize_t max_dims[1] = {H5S_UNLIMITED};
    Id space = checked(H5Screate_simple(1, dims, max_dims), H5Sclose, path, "creating the space of " + name_);
    Id props = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, path, "creating " + name_);
    check(H5Pset_chunk(props.get(), 1, &chunk_rows), path, "chunking " + name_);
    check(H5Pset_shuffle(props.get()), path, "compressing " + name_);
    check(H5Pset_deflate(props.get(), kDeflateLevel), path, "compressing " + name_);
    dataset_ = checked(H5Dcreate2(parent, name, file_type.get(), space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                       H5Dclose, path, "creating " + name_);
    buffer_.reserve(row_size_ * chunk_rows);
  }

  // Starts a row; the put_* calls that follow fill its columns in order.
  void begin_row() {
    if (column_ != 0 && column_ != columns_.size()) throw std::logic_error("H5Sink: row of " + name_ + " left unfinished");
    buffer_.resize(buffer_.size() + row_size_);
    column_ = 0;
  }
  void put_f64(double v) { put(Kind::F64, &v); }
  void put_i32(std::int32_t v) { put(Kind::I32, &v); }
  void put_i64(std::int64_t v) { put(Kind::I64, &v); }
  void put_str(const std::string& v) {
    // A deque never moves its elements, so the pointers stay valid until the
    // block is written.
    strings_.push_back(as_utf8(v));
    const char* p = strings_.back().c_str();
    put(Kind::Str, &p);
  }
  // Called after each row: writes the block once a chunk's worth is held.
  void end_row() {
    if (column_ != columns_.size()) throw std::logic_error("H5Sink: row of " + name_ + " has missing columns");
    if (buffer_.size() / row_size_ >= chunk_rows_) flush();
  }

  void flush() {
    const hsize_t count = buffer_.size() / row_size_;
    if (count == 0) return;
    const hsize_t new_size = rows_ + count;
    check(H5Dset_extent(dataset_.get(), &new_size), path_, "extending " + name_);
    Id file_space = checked(H5Dget_space(dataset_.get()), H5Sclose, path_, "selecting rows of " + name_);
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &rows_, nullptr, &count, nullptr), path_,
          "selecting rows of " + name_);
    Id mem_space = checked(H5Screate_simple(1, &count, nullptr), H5Sclose, path_, "selecting rows of " + name_);
    check(H5Dwrite(dataset_.get(), mem_type_.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, buffer_.data()),
          path_, "writing rows of " + name_);
    rows_ = new_size;
    buffer_.clear();
    strings_.clear();
  }

  void close() {
    flush();
    // Chunks still in the cache reach the file here.
    check(dataset_.close(), path_, "writing " + name_);
    mem_type_.reset();
  }

 private:
  struct Column {
    std::string name;
    Kind kind;
    std::size_t offset;
  };

  void put(Kind kind, const void* value) {
    if (column_ >= columns_.size() || columns_[column_].kind != kind) {
      throw std::logic_error("H5Sink: wrong value for a column of " + name_);
    }
    const std::size_t size = kind == Kind::I32 ? 4 : 8;
    std::memcpy(buffer_.data() + buffer_.size() - row_size_ + columns_[column_].offset, value, size);
    ++column_;
  }

  std::vector<Column> columns_;
  std::string path_;
  std::string name_;
  hsize_t chunk_rows_ = kRowsPerChunk;
  std::size_t row_size_ = 0;
  Id mem_type_;
  Id dataset_;
  hsize_t rows_ = 0;
  std::vector<unsigned char> buffer_;
  std::deque<std::string> strings_;
  std::size_t column_ = 0;
};

class Attributes {
 public:
  Attributes(hid_t object, const std::string& path) : object_(object), path_(path) {}

  void str(const char* name, const std::string& value) {
    Id type = utf8_string_type(path_);
    Id space = checked(H5Screate(H5S_SCALAR), H5Sclose, path_, std::string("attribute ") + name);
    const std::string text = as_utf8(value);
    const char* p = text.c_str();
    write(name, type.get(), type.get(), space.get(), &p);
  }
  void strings(const char* name, const std::vector<std::string>& values) {
    Id type = utf8_string_type(path_);
    const hsize_t n = values.size();
    Id space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, path_, std::string("attribute ") + name);
    std::vector<std::string> text;
    for (const auto& v : values) text.push_back(as_utf8(v));
    std::vector<const char*> ptrs;
    for (const auto& t : text) ptrs.push_back(t.c_str());
    write(name, type.get(), type.get(), space.get(), ptrs.data());
  }
  void f64(const char* name, double value) { scalar(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value); }
  void i32(const char* name, std::int32_t value) { scalar(name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value); }
  void i64(const char* name, std::int64_t value) { scalar(name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value); }
  void f64s(const char* name, const std::vector<double>& values) {
    const hsize_t n = values.size();
    Id space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, path_, std::string("attribute ") + name);
    write(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), values.data());
  }

 private:
  void scalar(const char* name, hid_t stored, hid_t native, const void* value) {
    Id space = checked(H5Screate(H5S_SCALAR), H5Sclose, path_, std::string("attribute ") + name);
    write(name, stored, native, space.get(), value);
  }
  void write(const char* name, hid_t stored, hid_t native, hid_t space, const void* value) {
    const std::string what = std::string("attribute ") + name;
    Id attr = checked(H5Acreate2(object_, name, stored, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, path_, what);
    check(H5Awrite(attr.get(), native, value), path_, what);
  }

  hid_t object_;
  std::string path_;
};

std::string ranks_text(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(ranks[i]);
  }
  return out;
}

double at_or_zero(const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : 0.0; }

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

struct H5Sink::State {
  std::string partial;
  bool partial_exists = false;
  Id file;
  Id run;
  Table scores;
  Table images;
  std::int64_t index = 0;
};

H5Sink::H5Sink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
    : path_(std::move(path)), analyzers_(std::move(analyzers)) {
  // Checked here, before any photo is read: a job that cannot keep its
  // results should not spend hours computing them.
  if (path_.empty()) throw std::runtime_error("cannot write the HDF5 file: --h5 names no file");
  struct stat st {};
  if (stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(EISDIR));
  }
  const std::string folder = folder_of(path_);
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error("cannot write " + path_ + ": " + folder + ": " + std::strerror(errno));
  }
}

H5Sink::~H5Sink() {
  if (!state_) return;
  // Not closed: the run failed, and an incomplete file must not survive
  // under any name.
  state_->scores = Table();
  state_->images = Table();
  state_->run.reset();
  state_->file.reset();
  if (state_->partial_exists) std::remove(state_->partial.c_str());
  delete state_;
}

void H5Sink::open(const RunInfo&) {
  if (state_) throw std::logic_error("H5Sink::open called twice");
  // After a failed write HDF5 cannot close the file, and its exit handler
  // then crashes trying again (HDF5 1.10); every file this sink opens is
  // closed or abandoned explicitly, so the handler has nothing to do.
  // Ignored when the library is already initialized.
  H5dont_atexit();
  // Failures become exceptions with the reason, not pages of HDF5 trace.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  state_ = new State;
  State& s = *state_;
  s.partial = path_ + ".partial-" + std::to_string(getpid());
  // Created with POSIX first so that "no such folder" or "permission denied"
  // come back as errno, not as an HDF5 trace.
  const int fd = ::open(s.partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + s.partial + ": " + std::strerror(errno));
  ::close(fd);
  s.partial_exists = true;
  s.file = checked(H5Fcreate(s.partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, path_,
                   "creating " + s.partial);
  {
    // Tracked so that h5py lists /run's attributes in the documented order,
    // not alphabetically.
    Id props = checked(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, path_, "creating /run");
    check(H5Pset_attr_creation_order(props.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), path_,
          "creating /run");
    s.run = checked(H5Gcreate2(s.file.get(), "run", H5P_DEFAULT, props.get(), H5P_DEFAULT), H5Gclose, path_,
                    "creating /run");
  }

  using K = Table::Kind;
  s.scores.add("filename", K::Str);
  s.scores.add("quality_score", K::F64);
  s.scores.add("verdict", K::Str);
  for (const bool headline : {true, false}) {
    for (const auto* a : analyzers_) {
      for (const auto& f : a->fields) {
        if (f.headline == headline) s.scores.add(f.name, f.kind == FieldSpec::Kind::Number ? K::F64 : K::Str);
      }
    }
    if (headline) {
      s.scores.add("width", K::I32);
      s.scores.add("height", K::I32);
    }
  }
  s.scores.add("path", K::Str);
  s.scores.add("status", K::Str);
  s.scores.add("error", K::Str);
  s.scores.create(s.file.get(), "scores", kRowsPerChunk, path_);

  Id timing = checked(H5Gcreate2(s.file.get(), "timing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, path_,
                      "creating /timing");
  Attributes(timing.get(), path_).str("units", "seconds");
  s.images.add("index", K::I64);
  s.images.add("filename", K::Str);
  s.images.add("ranks", K::Str);
  s.images.add("read", K::F64);
  s.images.add("decode", K::F64);
  for (const auto* a : analyzers_) s.images.add("analyze_" + a->name, K::F64);
  s.images.add("latency", K::F64);
  s.images.create(s.file.get(), "timing/images", kRowsPerChunk, path_);
}

void H5Sink::write(const ScoredRow& row, const ImageTiming& timing) {
  if (!state_) throw std::logic_error("H5Sink::write before open");
  State& s = *state_;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Table& t = s.scores;
  t.begin_row();
  t.put_str(row.filename);
  t.put_f64(row.ok ? row.quality_score : nan);
  t.put_str(row.ok ? row.verdict : "");
  const auto put_fields = [&](bool headline) {
    for (std::size_t a = 0; a < analyzers_.size(); ++a) {
      const auto& fields = analyzers_[a]->fields;
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].headline != headline) continue;
        const bool number = fields[f].kind == FieldSpec::Kind::Number;
        if (!row.ok || a >= row.results.size() || f >= row.results[a].values.size()) {
          if (number) {
            t.put_f64(nan);
          } else {
            t.put_str("");
          }
        } else if (number) {
          t.put_f64(std::get<double>(row.results[a].values[f]));
        } else {
          t.put_str(std::get<std::string>(row.results[a].values[f]));
        }
      }
    }
  };
  put_fields(true);
  // -1 rather than 0: a decoded photo is never 0 pixels wide, but make the
  // "no size" case impossible to mistake for a real one.
  t.put_i32(row.ok ? row.width : -1);
  t.put_i32(row.ok ? row.height : -1);
  put_fields(false);
  t.put_str(row.path);
  t.put_str(row.ok ? "ok" : "error");
  t.put_str(row.ok ? "" : row.error);
  t.end_row();

  Table& im = s.images;
  im.begin_row();
  im.put_i64(s.index++);
  im.put_str(row.filename);
  im.put_str(ranks_text(timing.ranks));
  im.put_f64(timing.read_seconds);
  im.put_f64(timing.decode_seconds);
  for (std::size_t a = 0; a < analyzers_.size(); ++a) im.put_f64(at_or_zero(timing.analyzer_seconds, a));
  im.put_f64(timing.latency_seconds);
  im.end_row();
}

void H5Sink::close(const RunInfo& info) {
  if (!state_) throw std::logic_error("H5Sink::close before open");
  State& s = *state_;
  s.scores.close();
  s.images.close();

  {
    using K = Table::Kind;
    Table ranks;
    ranks.add("rank", K::I32);
    ranks.add("role", K::Str);
    ranks.add("host", K::Str);
    for (const char* stage : {"wall", "read", "comm", "wait", "decode"}) ranks.add(stage, K::F64);
    for (const auto* a : analyzers_) ranks.add("analyze_" + a->name, K::F64);
    for (const char* stage : {"analyze", "merge", "write", "other"}) ranks.add(stage, K::F64);
    ranks.add("images", K::I64);
    ranks.create(s.file.get(), "timing/ranks", kRanksPerChunk, path_);
    for (const auto& r : info.rank_timings) {
      ranks.begin_row();
      ranks.put_i32(r.rank);
      ranks.put_str(r.role);
      ranks.put_str(r.host);
      ranks.put_f64(r.wall);
      ranks.put_f64(r.read);
      ranks.put_f64(r.comm);
      ranks.put_f64(r.wait);
      ranks.put_f64(r.decode);
      double analyze = 0.0;
      for (std::size_t a = 0; a < analyzers_.size(); ++a) {
        ranks.put_f64(at_or_zero(r.analyze, a));
        analyze += at_or_zero(r.analyze, a);
      }
      ranks.put_f64(analyze);
      ranks.put_f64(r.merge);
      ranks.put_f64(r.write);
      ranks.put_f64(r.wall - (r.read + r.comm + r.wait + r.decode + analyze + r.merge + r.write));
      ranks.put_i64(r.images);
      ranks.end_row();
    }
    ranks.close();
  }

  Attributes run(s.run.get(), path_);
  run.str("photoscore_version", info.version);
  run.str("git_hash", info.git_hash);
  run.str("command_line", info.command_line);
  run.str("input_dir", info.input_dir);
  run.str("mode", std::string(to_string(info.mode)));
  run.str("layout", std::string(to_string(info.layout)));
  run.str("profile", info.profile);
  run.i32("ranks", info.ranks);
  run.i32("threads_per_rank", info.threads_per_rank);
  run.str("hostname", join(info.hosts, ","));
  run.strings("hosts", info.hosts);
  run.str("start_time", info.start_time);
  run.str("end_time", info.end_time);
  run.f64("wall_seconds", info.wall_seconds);
  run.i64("images", info.images);
  run.i64("errors", info.errors);
  run.f64s("weights", info.weights);
  run.f64s("thresholds", {info.post_it_above, info.maybe_above});
  run.strings("analyzers", info.analyzers);
  run.str("plan", info.plan);
  run.str("shard", info.shard);
  run.str("slurm_job_id", info.slurm_job_id);
  s.run.reset();

  check(H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL), path_, "flushing");
  check(s.file.close(), path_, "closing");
  // On disk before it takes the final name, so a crash right after the
  // rename cannot leave a truncated file there.
  const int fd = ::open(s.partial.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + path_ + ": syncing " + s.partial + ": " + std::strerror(err));
  }
  ::close(fd);
  if (std::rename(s.partial.c_str(), path_.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path_ + ": renaming " + s.partial + ": " + std::strerror(errno));
  }
  s.partial_exists = false;
  delete state_;
  state_ = nullptr;
}

}  // namespace photoscore
