#pragma once
// Dates and times of day as handlers read them from slots (protocol.md §2):
//
//   #include <skill/time.hpp>
//   auto day = ctx.slot<skill::Date>("date");          // std::chrono::year_month_day
//
// Not part of <skill/skill.hpp>: the calendar half of <chrono> is most of its cost, and
// most handlers never touch a date.
#include <skill/slots.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace skill {

using Date = std::chrono::year_month_day;                         // 2026-11-25
using TimeOfDay = std::chrono::hh_mm_ss<std::chrono::seconds>;  // 10:00 or 10:00:30

/// 2026-11-25T10:00[:30][Z|+01:00]; `utc_offset` is set only when the text carries one.
struct DateTime {
    std::chrono::local_seconds local{};
    std::optional<std::chrono::minutes> utc_offset;
    friend bool operator==(const DateTime&, const DateTime&) = default;
};

/// Half-open or closed date range: "2026-01-01/", "/2026-12-31", "2026-01-01/2026-01-31".
struct DateRange {
    std::optional<Date> first;
    std::optional<Date> last;
    friend bool operator==(const DateRange&, const DateRange&) = default;
};

namespace slot_text {
// Each returns std::nullopt when the whole text is not a valid value of the type.
std::optional<Date> date(std::string_view text);
std::optional<TimeOfDay> time_of_day(std::string_view text);
std::optional<DateTime> date_time(std::string_view text);
std::optional<DateRange> date_range(std::string_view text);
}  // namespace slot_text

template <>
struct SlotType<Date> {
    static constexpr std::string_view name = "date";
    static std::optional<Date> parse(std::string_view text) { return slot_text::date(text); }
};
template <>
struct SlotType<TimeOfDay> {
    static constexpr std::string_view name = "time";
    static std::optional<TimeOfDay> parse(std::string_view text) { return slot_text::time_of_day(text); }
};
template <>
struct SlotType<DateTime> {
    static constexpr std::string_view name = "datetime";
    static std::optional<DateTime> parse(std::string_view text) { return slot_text::date_time(text); }
};
template <>
struct SlotType<DateRange> {
    static constexpr std::string_view name = "date range";
    static std::optional<DateRange> parse(std::string_view text) { return slot_text::date_range(text); }
};

}  // namespace skill
