#include "output/xmp_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/link_name.hpp"
#include "output/markup.hpp"
#include "output/partial_file.hpp"
#include "output/utf8.hpp"
#include "output/xmp_merge.hpp"

namespace photoscore {

namespace {

constexpr const char* kNamespace = kXmpNamespace;
constexpr off_t kMaxSidecarBytes = 16 << 20;

// A cell as text: numbers as the JSONL prints them, so the sidecar and the
// archive agree, and text through `text`.
template <std::string (*text)(std::string_view)>
struct CellText {
  std::string operator()(std::monostate) const { return {}; }
  std::string operator()(std::string_view v) const { return text(v); }
  std::string operator()(double v) const {
    return std::isfinite(v) ? nlohmann::json(v).dump() : std::string();
  }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
};

// Escaped for the packet we write; plain for Exiv2, which escapes what it writes.
using ToText = CellText<markup_escaped>;
using ToPlainText = CellText<as_utf8>;

bool is_photo_column(const std::string& name) {
  return name != "filename" && name != "path" && name != "status" && name != "error";
}

}  // namespace

int xmp_rating(Verdict verdict) {
  if (verdict == Verdict::PostIt) return 5;
  if (verdict == Verdict::Maybe) return 3;
  return -1;
}

const char* xmp_label(Verdict verdict) {
  if (verdict == Verdict::PostIt) return "Green";
  if (verdict == Verdict::Maybe) return "Yellow";
  return "Red";
}

XmpSink::XmpSink(std::vector<const AnalyzerSpec*> analyzers, Naming naming, bool force, std::FILE* messages)
    : schema_(std::move(analyzers)),
      naming_(naming),
      force_(force),
      messages_(messages),
      warnings_("--xmp", "sidecar", messages) {}

std::string XmpSink::sidecar_path(const std::string& photo, Naming naming) {
  if (naming == Naming::PhotoExtXmp) return photo + ".xmp";
  const std::filesystem::path p(photo);
  // IMG_1.JPG -> IMG_1.xmp; a name without an extension gets .xmp appended.
  return p.has_extension() ? std::filesystem::path(p).replace_extension(".xmp").string() : photo + ".xmp";
}

void XmpSink::open(const RunInfo& info) {
  version_ = info.version;
  profile_ = info.profile;
  updated_ = 0;
  shared_ = 0;
  written_.clear();
  warnings_.reset();
}

std::string XmpSink::packet(const ScoredRow& row) const {
  std::string x;
  x += "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
  x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"photoscore " + markup_escaped(version_) + "\">\n";
  x += " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
  x += "  <rdf:Description rdf:about=\"\"\n";
  x += "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n";
  x += std::string("    xmlns:photoscore=\"") + kNamespace + "\"\n";
  x += "    xmp:Rating=\"" + std::to_string(xmp_rating(row.verdict)) + "\"\n";
  x += std::string("    xmp:Label=\"") + xmp_label(row.verdict) + "\"\n";
  x += "    photoscore:version=\"" + markup_escaped(version_) + "\"\n";
  x += "    photoscore:profile=\"" + markup_escaped(profile_) + "\"";
  for (std::size_t i = 0; i < schema_.columns().size(); ++i) {
    const Column& c = schema_.columns()[i];
    if (!is_photo_column(c.name) || c.grouping) continue;
    const Cell cell = schema_.cell(row, i);
    if (std::holds_alternative<std::monostate>(cell)) continue;
    x += "\n    photoscore:" + c.name + "=\"" + std::visit(ToText{}, cell) + "\"";
  }
  x += "/>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n";
  return x;
}

XmpUpdate XmpSink::update(const ScoredRow& row) const {
  XmpUpdate u;
  u.rating = xmp_rating(row.verdict);
  u.label = xmp_label(row.verdict);
  u.properties.emplace_back("version", version_);
  u.properties.emplace_back("profile", profile_);
  for (std::size_t i = 0; i < schema_.columns().size(); ++i) {
    const Column& c = schema_.columns()[i];
    if (!is_photo_column(c.name) || c.grouping) continue;
    const Cell cell = schema_.cell(row, i);
    if (std::holds_alternative<std::monostate>(cell)) continue;
    u.properties.emplace_back(c.name, std::visit(ToPlainText{}, cell));
  }
  return u;
}

void XmpSink::write(const ScoredRow& row, const ImageTiming&) {
  if (!row.ok) return;
  const std::string path = sidecar_path(row.path, naming_);
  if (naming_ == Naming::PhotoXmp && written_.count(path)) {
    if (shared_++ == 0) first_shared_ = row.path;
    return;
  }
  // A sidecar that cannot be written is this photo's warning; the job goes on.
  try {
    write_sidecar(path, row);
    if (naming_ == Naming::PhotoXmp) written_.insert(path);
  } catch (const std::exception& e) {
    warnings_.warn(path, e.what());
  }
}

void XmpSink::write_sidecar(const std::string& path, const ScoredRow& row) {
  const auto slash = path.find_last_of('/');
  // Viewers find a sidecar by its name: one that cannot have it gets none.
  if (path.size() - (slash == std::string::npos ? 0 : slash + 1) > kMaxNameBytes)
    throw std::runtime_error("its name would pass the file system's 255 bytes");
  std::string text;
  // An existing sidecar (another tool's, or an earlier run's) is updated:
  // never followed through a link, never replaced when it cannot be read
  // as XMP unless --force.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    std::string existing;
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const bool small = regular && st.st_size <= kMaxSidecarBytes;
    if (small) {
      existing.resize(static_cast<std::size_t>(st.st_size));
      const ssize_t n = ::pread(fd, existing.data(), existing.size(), 0);
      existing.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    }
    ::close(fd);
    if (!regular) throw std::runtime_error("a file that is not a regular file is in the way");
    if (!small) throw std::runtime_error("the existing sidecar is larger than 16 MiB: left alone");
    try {
      text = merge_xmp(existing, update(row));
      ++updated_;
    } catch (const std::runtime_error& e) {
      if (!force_)
        throw std::runtime_error(std::string("the existing sidecar cannot be read as XMP (") + e.what() +
                                 "): left alone; --force replaces it");
      text = packet(row);
    }
  } else if (errno == ELOOP) {
    throw std::runtime_error("a symbolic link is in the way: left alone");
  } else if (errno != ENOENT) {
    throw std::runtime_error(std::strerror(errno));
  } else {
    text = packet(row);
  }
  // Through a new partial file (never through a link; a short name if need
  // be), synced, then renamed over the old sidecar.
  write_whole_file(path, text);
}

void XmpSink::close(const RunInfo&) {
  warnings_.summarize();
  if (updated_ > 0 && messages_) {
    std::fprintf(
        messages_,
        "photoscore: --xmp: %lld existing sidecar%s updated: xmp:Rating, xmp:Label and photoscore's own "
        "properties; everything else in %s kept\n",
        static_cast<long long>(updated_), updated_ == 1 ? "" : "s", updated_ == 1 ? "it" : "them");
  }
  if (shared_ > 0 && messages_) {
    std::fprintf(
        messages_,
        "photoscore: --xmp: %lld photo%s got no sidecar: its name.xmp was taken by a photo of the same "
        "name (%s); --xmp-sidecar photo.ext.xmp gives each its own\n",
        static_cast<long long>(shared_), shared_ == 1 ? "" : "s", for_terminal(first_shared_).c_str());
  }
}

}  // namespace photoscore
