#include "output/row_format.hpp"

#include <cstring>
#include <ctime>
#include <stdexcept>

#include "output/csv_sink.hpp"
#include "output/dashboard.hpp"
#include "output/error_log.hpp"
#include "output/groups_sink.hpp"
#include "output/h5_sink.hpp"
#include "output/jsonl_sink.hpp"
#include "output/progress.hpp"
#include "output/row_codec.hpp"

namespace photoscore {

namespace {

class RowFormatterOfRows final : public RowFormatter {
 public:
  void format(const ScoredRow& row, const ImageTiming& timing, std::int64_t, std::string& out) const override {
    encode_row(row, timing, out);
  }
};

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(const std::string& bytes, std::size_t& at) {
  if (bytes.size() - at < sizeof(T)) throw std::runtime_error("malformed format plan");
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

}  // namespace

std::unique_ptr<RowFormatter> make_row_formatter(RowFormat format, const FormatContext& context) {
  switch (format) {
    case RowFormat::Jsonl:
      return make_jsonl_formatter(context);
    case RowFormat::Csv:
      return make_csv_formatter(context);
    case RowFormat::H5:
      return make_h5_formatter(context);
    case RowFormat::Dashboard:
      return make_dashboard_formatter(context);
    case RowFormat::ErrorLine:
      return make_error_line_formatter();
    case RowFormat::Status:
      return make_status_formatter();
    case RowFormat::Count:
      return make_count_formatter();
    case RowFormat::Row:
      return std::make_unique<RowFormatterOfRows>();
    case RowFormat::Grouping:
      return make_grouping_formatter(context);
  }
  throw std::logic_error("no formatter for row format " + std::to_string(static_cast<int>(format)));
}

FormatContext default_context(std::vector<const AnalyzerSpec*> analyzers) {
  FormatContext context;
  context.analyzers = std::move(analyzers);
  // The run begins now: a photo changed from here on may be read before or after.
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  context.started_ns = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  return context;
}

std::string encode_format_plan(const FormatPlan& plan) {
  std::string out;
  put(out, static_cast<std::uint32_t>(plan.formats.size()));
  for (RowFormat f : plan.formats) put(out, static_cast<std::uint8_t>(f));
  put(out, plan.widths.filename);
  put(out, plan.widths.path);
  put(out, plan.widths.ranks);
  put(out, static_cast<std::uint8_t>(plan.style.unicode));
  put(out, static_cast<std::uint8_t>(plan.style.color));
  put(out, static_cast<std::uint8_t>(plan.per_photo));
  put(out, plan.row_offset);
  put(out, plan.started_ns);
  put(out, static_cast<std::uint8_t>(plan.grouping));
  return out;
}

FormatPlan decode_format_plan(const std::string& bytes) {
  std::size_t at = 0;
  FormatPlan plan;
  const auto n = get<std::uint32_t>(bytes, at);
  if (n > 64) throw std::runtime_error("malformed format plan");
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto f = get<std::uint8_t>(bytes, at);
    if (f < static_cast<std::uint8_t>(RowFormat::Jsonl) || f > static_cast<std::uint8_t>(kLastRowFormat))
      throw std::runtime_error("malformed format plan");
    plan.formats.push_back(static_cast<RowFormat>(f));
  }
  plan.widths.filename = get<std::uint32_t>(bytes, at);
  plan.widths.path = get<std::uint32_t>(bytes, at);
  plan.widths.ranks = get<std::uint32_t>(bytes, at);
  plan.style.unicode = get<std::uint8_t>(bytes, at) != 0;
  plan.style.color = get<std::uint8_t>(bytes, at) != 0;
  plan.per_photo = get<std::uint8_t>(bytes, at) != 0;
  plan.row_offset = get<std::int64_t>(bytes, at);
  plan.started_ns = get<std::int64_t>(bytes, at);
  plan.grouping = get<std::uint8_t>(bytes, at) != 0;
  if (at != bytes.size()) throw std::runtime_error("malformed format plan");
  return plan;
}

FormatPlan plan_of(const std::vector<RowFormat>& formats, const FormatContext& context) {
  return {formats,           context.widths,     context.style,
          context.per_photo, context.row_offset, context.started_ns,
          context.grouping};
}

FormatContext context_of(const FormatPlan& plan, std::vector<const AnalyzerSpec*> analyzers) {
  return {std::move(analyzers), plan.widths,     plan.style,   plan.per_photo,
          plan.row_offset,      plan.started_ns, plan.grouping};
}

}  // namespace photoscore
