#include "output/report_sink.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "output/markup.hpp"
#include "output/partial_file.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

// "1 error", "2 errors".
std::string counted(long long n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// A note as a sentence, so notes read apart in the page's text too: "...
// detail throughout. Well exposed..." rather than "throughout Well exposed".
std::string as_sentence(std::string note) {
  if (!note.empty() && note.back() != '.' && note.back() != '!' && note.back() != '?') note += '.';
  return note;
}

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f4f2;color:#222}
header{background:#263238;color:#fff;padding:12px 20px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:2px 0;color:#cfd8dc}
nav{padding:8px 20px;background:#eceff1;position:sticky;top:0;z-index:1}
nav button{margin-right:6px;padding:4px 10px;cursor:pointer}
section{padding:4px 20px}
h2{border-bottom:3px solid;padding-bottom:2px}
#post_it h2{border-color:#2e7d32} #maybe h2{border-color:#f9a825} #delete h2{border-color:#c62828} #error h2{border-color:#616161}
ul.photos{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:10px}
li.photo{background:#fff;border-radius:6px;box-shadow:0 1px 3px #0003;width:270px;padding:6px;overflow:hidden}
li.photo .exif{font-size:12px;color:#37474f}
li.photo .exif span{display:block}
li.photo .name a{color:inherit;text-decoration:none}
li.photo .pic{height:200px;display:flex;align-items:center;justify-content:center;background:#ddd;border-radius:4px}
li.photo img{max-width:256px;max-height:200px}
li.photo .name{font-weight:600;word-break:break-all;margin-top:4px}
li.photo .score{float:right;font-variant-numeric:tabular-nums}
li.photo ul{margin:2px 0;padding-left:16px;font-size:12px}
li.photo .note{font-size:12px;color:#555}
p.more{color:#555}
#groups h2{border-color:#1565c0}
div.group{background:#e8eaf6;border-radius:6px;padding:6px;margin:0 0 10px}
div.group h3{margin:2px 0 6px;font-size:15px}
div.group details{margin-top:6px}
div.group summary{cursor:pointer;color:#333}
div.group details ul.photos{margin-top:6px}
)";

// Sorting moves the items inside each verdict's list; nothing is fetched.
constexpr const char* kScript = R"(
function sortBy(key, dir) {
  document.querySelectorAll('ul.photos').forEach(function (ul) {
    var items = Array.prototype.slice.call(ul.children);
    items.sort(function (a, b) { return dir * (parseFloat(a.dataset[key]) - parseFloat(b.dataset[key])); });
    items.forEach(function (li) { ul.appendChild(li); });
  });
}
)";

}  // namespace

std::string base64(std::string_view bytes) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kDigits[v >> 18 & 63];
    out += kDigits[v >> 12 & 63];
    out += kDigits[v >> 6 & 63];
    out += kDigits[v & 63];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       (two ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0u);
    out += kDigits[v >> 18 & 63];
    out += kDigits[v >> 12 & 63];
    out += two ? kDigits[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string relative_href(const std::string& page_folder, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = fs::absolute(page_folder.empty() ? "." : page_folder, ec).lexically_normal();
  const fs::path target = fs::absolute(path, ec).lexically_normal();
  fs::path relative = target.lexically_relative(folder);
  if (relative.empty()) relative = target;  // no relative way there: the absolute path
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string href;
  for (const char c : relative.generic_string()) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 && u < 0x80) {
      href += c;
    } else if (c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      href += c;
    } else {
      href += '%';
      href += kHex[u >> 4];
      href += kHex[u & 15];
    }
  }
  return href;
}

ReportSink::ReportSink(std::string path, std::vector<const AnalyzerSpec*> analyzers, int thumbnails,
                       ThumbnailMaker thumbnail, std::shared_ptr<const RunGrouping> grouping)
    : path_(std::move(path)),
      analyzers_(std::move(analyzers)),
      grouping_(std::move(grouping)),
      thumbnails_(thumbnail ? thumbnails : 0),
      thumbnail_(std::move(thumbnail)) {
  if (path_.empty()) throw std::runtime_error("cannot write the report: no file named");
  check_can_create(path_);
}

void ReportSink::open(const RunInfo&) { items_.clear(); }

void ReportSink::write(const ScoredRow& row, const ImageTiming&) {
  Item item;
  item.index = static_cast<std::int64_t>(items_.size());
  item.filename = row.filename;
  item.path = row.path;
  if (!row.ok) {
    item.verdict = Verdict::Error;
    item.note = row.error;
    items_.push_back(std::move(item));
    return;
  }
  item.verdict = row.verdict;
  item.score = row.quality_score;
  item.width = row.width;
  item.height = row.height;
  for (std::size_t i = 0; i < analyzers_.size() && i < row.results.size(); ++i) {
    const AnalyzerSpec& a = *analyzers_[i];
    const AnalyzerResult& r = row.results[i];
    std::string text =
        a.name + " " + fixed(a.number(r, a.score_field), 3) + " " + a.label(r, a.verdict_field);
    if (a.figure) text += " (" + a.figure(r) + ")";
    item.scores.push_back(std::move(text));
    if (a.note) {
      const std::string note = a.note(r);
      if (!note.empty()) item.note += (item.note.empty() ? "" : "\n") + as_sentence(note);
    }
  }
  items_.push_back(std::move(item));
}

std::string ReportSink::item_html(const Item& item) {
  std::string html;
  const std::string href = markup_escaped(item.href);
  html += "<li class=\"photo\" data-score=\"" + fixed(item.score, 3) + "\" data-index=\"" +
          std::to_string(item.index) + "\"><a class=\"pic\" href=\"" + href + "\">";
  if (!item.thumbnail.jpeg.empty()) {
    html += "<img alt=\"" + markup_escaped(item.filename) + "\" src=\"data:image/jpeg;base64," +
            base64(item.thumbnail.jpeg) + "\">";
  }
  html += "</a><div class=\"name\"><a href=\"" + href + "\">" + markup_escaped(item.filename) + "</a>";
  if (item.verdict != Verdict::Error) html += "<span class=\"score\">" + fixed(item.score, 3) + "</span>";
  html += "</div>";
  const ExifDetails& exif = item.thumbnail.exif;
  if (!exif.taken.empty() || !exif.camera.empty() || !exif.exposure.empty()) {
    html += "<div class=\"exif\">";
    if (!exif.taken.empty()) html += "<span class=\"taken\">" + markup_escaped(exif.taken) + "</span>";
    // Spaces between the lines, so the page's text reads them apart too.
    if (!exif.camera.empty()) html += " <span class=\"camera\">" + markup_escaped(exif.camera) + "</span>";
    if (!exif.exposure.empty())
      html += " <span class=\"exposure\">" + markup_escaped(exif.exposure) + "</span>";
    html += "</div>";
  }
  if (item.verdict != Verdict::Error) {
    html += "<div class=\"note\">" + std::to_string(item.width) + " x " + std::to_string(item.height) +
            "</div><ul>";
    for (const std::string& s : item.scores) html += "<li>" + markup_escaped(s) + "</li>";
    html += "</ul>";
  }
  // One line per analyzer's note, each escaped on its own: markup_escaped
  // turns a newline into "&#10;", which a browser shows as a space, and the
  // notes ran together ("...throughout Well exposed...").
  std::string note;
  for (std::size_t from = 0; from < item.note.size();) {
    const std::size_t end = std::min(item.note.find('\n', from), item.note.size());
    note +=
        (note.empty() ? "" : " <br>") + markup_escaped(std::string_view(item.note).substr(from, end - from));
    from = end + 1;
  }
  if (!note.empty()) html += "<div class=\"note\">" + note + "</div>";
  html += "</li>\n";
  return html;
}

std::vector<ReportSink::Item*> ReportSink::grouped_items() {
  std::vector<Item*> wanted;
  if (!grouping_) return wanted;
  const auto& groups = grouping_->groups();
  for (std::size_t g = 0; g < groups.size() && g < static_cast<std::size_t>(thumbnails_); ++g) {
    for (const std::uint64_t m : groups[g].members) {
      if (m < items_.size()) wanted.push_back(&items_[static_cast<std::size_t>(m)]);
    }
  }
  return wanted;
}

std::string ReportSink::groups_html() const {
  const auto& groups = grouping_->groups();
  std::string html = "<section id=\"groups\"><h2>groups (" + std::to_string(groups.size()) +
                     ")</h2>\n<p class=\"more\">Bursts (photos taken within " +
                     fixed(static_cast<double>(grouping_->settings().burst_gap_us) / 1e6, 1) +
                     " s that look alike) and duplicates (near-identical photos, whatever their time): each "
                     "group's best first, the others folded.</p>\n";
  const std::size_t listed = std::min(groups.size(), kListed);
  for (std::size_t g = 0; g < listed; ++g) {
    const PhotoGroup& group = groups[g];
    if (group.best >= items_.size()) continue;
    const Item& best = items_[static_cast<std::size_t>(group.best)];
    html += "<div class=\"group\" data-kind=\"" + std::string(group_kind_name(group.kind)) + "\"><h3>" +
            (group.kind == GroupKind::burst ? "burst of " + std::to_string(group.members.size())
                                            : std::to_string(group.members.size()) + " duplicates") +
            ": best " + markup_escaped(best.filename) + "</h3>\n<ul class=\"photos best\">\n" +
            item_html(best) + "</ul>\n<details><summary>" + std::to_string(group.members.size() - 1) +
            " other" + (group.members.size() == 2 ? "" : "s") + "</summary>\n<ul class=\"photos others\">\n";
    for (const std::uint64_t m : group.members) {
      if (m != group.best && m < items_.size()) html += item_html(items_[static_cast<std::size_t>(m)]);
    }
    html += "</ul></details></div>\n";
  }
  if (groups.size() > listed)
    html += "<p class=\"more\">" + std::to_string(groups.size() - listed) +
            " more groups not shown here: the groups file has every one.</p>\n";
  html += "</section>\n";
  return html;
}

void ReportSink::close(const RunInfo& info) {
  // Per verdict, best score first (file order among equals, so the page is
  // the same however the job ran); only the first kListed are listed.
  std::vector<std::vector<Item*>> groups(kVerdicts.size());
  for (Item& item : items_) groups[static_cast<std::size_t>(item.verdict)].push_back(&item);
  std::vector<Item*> wanted;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::stable_sort(groups[g].begin(), groups[g].end(),
                     [](const Item* a, const Item* b) { return a->score > b->score; });
    if (kVerdicts[g] == Verdict::Error) continue;
    for (std::size_t i = 0; i < groups[g].size() && i < static_cast<std::size_t>(thumbnails_); ++i)
      wanted.push_back(groups[g][i]);
  }
  for (Item* item : grouped_items()) {
    if (std::find(wanted.begin(), wanted.end(), item) == wanted.end()) wanted.push_back(item);
  }
  const std::string page_folder = std::filesystem::path(path_).parent_path().string();
  for (Item& item : items_) item.href = relative_href(page_folder, item.path);
  const long long count = static_cast<long long>(wanted.size());
#pragma omp parallel for schedule(dynamic)
  for (long long i = 0; i < count; ++i)
    wanted[static_cast<std::size_t>(i)]->thumbnail = thumbnail_(wanted[static_cast<std::size_t>(i)]->path);

  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>photoscore report: " +
      markup_escaped(info.input_dir) + "</title>\n<style>" + kStyle + "</style>\n<script>" + kScript +
      "</script>\n</head><body>\n<header><h1>photoscore report</h1>\n";
  const double rate = info.wall_seconds > 0 ? static_cast<double>(info.images) / info.wall_seconds : 0.0;
  html += "<p>" + markup_escaped(info.input_dir) + ": " + counted(info.images, "photo") + " scored in " +
          fixed(info.wall_seconds, 1) + " s (" + fixed(rate, 1) + " images/s), " +
          counted(info.errors, "error") + "</p>\n<p>photoscore " + markup_escaped(info.version) +
          ", profile " + markup_escaped(info.profile) + ", thresholds post_it &gt; " +
          fixed(info.post_it_above, 2) + ", maybe &gt; " + fixed(info.maybe_above, 2) + ", " +
          markup_escaped(info.end_time) + "</p></header>\n";
  html +=
      "<nav>Sort: <button onclick=\"sortBy('score',-1)\">score, best first</button>"
      "<button onclick=\"sortBy('score',1)\">score, worst first</button>"
      "<button onclick=\"sortBy('index',1)\">file order</button></nav>\n";
  if (grouping_) html += groups_html();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto& group = groups[g];
    if (group.empty() && kVerdicts[g] == Verdict::Error) continue;
    const std::string name(verdict_name(kVerdicts[g]));
    html += "<section id=\"" + name + "\"><h2>" + name + " (" + std::to_string(group.size()) +
            ")</h2>\n<ul class=\"photos\" data-verdict=\"" + name + "\">\n";
    const std::size_t listed = std::min(group.size(), kListed);
    for (std::size_t i = 0; i < listed; ++i) {
      html += item_html(*group[i]);
    }
    html += "</ul>\n";
    if (group.size() > listed)
      html += "<p class=\"more\">" + std::to_string(group.size() - listed) +
              " more not listed here (the lowest scores): the JSONL has every photo.</p>\n";
    html += "</section>\n";
  }
  html += "</body></html>\n";

  write_whole_file(path_, html);
}

}  // namespace photoscore
