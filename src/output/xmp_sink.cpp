#include "output/xmp_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "output/markup.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

// The namespace of photoscore's own properties. A URI only names the
// namespace (XMP never fetches it); documented in docs/acting.md.
constexpr const char* kNamespace = "https://github.com/photoscore/photoscore/xmp/1.0/";

// Numbers as the JSONL prints them, so the sidecar and the archive agree.
struct ToText {
  std::string operator()(std::monostate) const { return {}; }
  std::string operator()(std::string_view v) const { return markup_escaped(v); }
  std::string operator()(double v) const {
    return std::isfinite(v) ? nlohmann::json(v).dump() : std::string();
  }
  std::string operator()(std::int64_t v) const { return std::to_string(v); }
};

bool is_photo_column(const std::string& name) {
  return name != "filename" && name != "path" && name != "status" && name != "error";
}

}  // namespace

int xmp_rating(const std::string& verdict) {
  if (verdict == "post_it") return 5;
  if (verdict == "maybe") return 3;
  return -1;
}

const char* xmp_label(const std::string& verdict) {
  if (verdict == "post_it") return "Green";
  if (verdict == "maybe") return "Yellow";
  return "Red";
}

XmpSink::XmpSink(std::vector<const AnalyzerSpec*> analyzers, Naming naming, bool force, std::FILE* messages)
    : schema_(std::move(analyzers)), naming_(naming), force_(force), messages_(messages) {}

std::string XmpSink::sidecar_path(const std::string& photo, Naming naming) {
  if (naming == Naming::PhotoExtXmp) return photo + ".xmp";
  const std::filesystem::path p(photo);
  // IMG_1.JPG -> IMG_1.xmp; a name without an extension gets .xmp appended.
  return p.has_extension() ? std::filesystem::path(p).replace_extension(".xmp").string() : photo + ".xmp";
}

void XmpSink::open(const RunInfo& info) {
  version_ = info.version;
  profile_ = info.profile;
  kept_ = 0;
  shared_ = 0;
  written_.clear();
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
    if (!is_photo_column(c.name)) continue;
    const Cell cell = schema_.cell(row, i);
    if (std::holds_alternative<std::monostate>(cell)) continue;
    x += "\n    photoscore:" + c.name + "=\"" + std::visit(ToText{}, cell) + "\"";
  }
  x += "/>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n";
  return x;
}

void XmpSink::write(const ScoredRow& row, const ImageTiming&) {
  if (!row.ok) return;
  const std::string path = sidecar_path(row.path, naming_);
  if (naming_ == Naming::PhotoXmp && written_.count(path)) {
    if (shared_++ == 0) first_shared_ = row.path;
    return;
  }
  std::error_code ec;
  if (!force_ && std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    if (kept_++ == 0) first_kept_ = path;
    return;
  }
  const std::string partial = path + ".partial-" + std::to_string(getpid());
  const std::string text = packet(row);
  std::FILE* f = std::fopen(partial.c_str(), "w");
  if (!f) throw std::runtime_error("--xmp: cannot write " + path + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    std::remove(partial.c_str());
    throw std::runtime_error("--xmp: cannot write " + path + ": " + std::strerror(written ? errno : err));
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    const int rename_err = errno;
    std::remove(partial.c_str());
    throw std::runtime_error("--xmp: cannot write " + path + ": " + std::strerror(rename_err));
  }
  if (naming_ == Naming::PhotoXmp) written_.insert(path);
}

void XmpSink::close(const RunInfo&) {
  if (kept_ > 0 && messages_) {
    std::fprintf(messages_,
                 "photoscore: --xmp: %lld existing sidecar%s left alone (%s); --force overwrites them\n",
                 static_cast<long long>(kept_), kept_ == 1 ? "" : "s", first_kept_.c_str());
  }
  if (shared_ > 0 && messages_) {
    std::fprintf(
        messages_,
        "photoscore: --xmp: %lld photo%s got no sidecar: its name.xmp was taken by a photo of the same "
        "name (%s); --xmp-sidecar photo.ext.xmp gives each its own\n",
        static_cast<long long>(shared_), shared_ == 1 ? "" : "s", first_shared_.c_str());
  }
}

}  // namespace photoscore
