#pragma once
// Writing the Prometheus text exposition format 0.0.4: HELP/TYPE headers,
// label escaping and sample lines. Knows the format, not the metrics.
#include <cstdint>
#include <string>
#include <string_view>

namespace skill::runtime::prometheus {

inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

/// `# HELP name help` and `# TYPE name type` (help text escaped: `\` and newline).
void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help);

/// Appends `name="value"` to a label list, with a leading ',' when `out` is not empty.
/// The value is escaped (`\` → `\\`, `"` → `\"`, newline → `\n`).
void append_label(std::string& out, std::string_view name, std::string_view value);

/// One sample line: `name{labels} value` (no braces when `labels` is empty).
void append_sample(std::string& out, std::string_view name, std::string_view labels,
                   std::uint64_t value);
void append_sample(std::string& out, std::string_view name, std::string_view labels, double value);

/// Shortest round-trip form; NaN, +Inf and -Inf as the format spells them.
void append_number(std::string& out, double value);

}  // namespace skill::runtime::prometheus
