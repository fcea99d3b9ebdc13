#pragma once
// Dates and times of day as handlers read them from slots (protocol.md §2):
//
//   #include <skill/time.hpp>
//   auto day = ctx.slot<skill::Date>("date");          // std::chrono::year_month_day
//
// and the user's clock (docs/handlers.md, "Time"):
//
//   auto now = ctx.now();                      // in the user's zone (the invocation's timezone)
//   if (now.time_of_day().hours() < std::chrono::hours{12}) ...
//   skill::Date today = ctx.today();
//
// Not part of <skill/skill.hpp>: the calendar half of <chrono> is most of its cost, and
// most handlers never touch a date. Zones come from the system's tzdata (IANA names).
#include <chrono>
#include <optional>
#include <skill/slots.hpp>
#include <string_view>

namespace skill {

using Date = std::chrono::year_month_day;                       // 2026-11-25
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

/// The user's date (Context::today()): a Date in all but name.
struct LocalDate : Date {
    using Date::Date;
    LocalDate(const Date& d) noexcept : Date(d) {}
};

/// An instant and the wall clock of a zone at that instant (Context::now()).
struct ZonedTime {
    std::chrono::sys_seconds utc{};      // the instant
    std::chrono::local_seconds local{};  // the same instant on the zone's wall clock
    std::string_view zone;               // IANA name; valid while the Context lives

    Date date() const noexcept { return Date{std::chrono::floor<std::chrono::days>(local)}; }
    TimeOfDay time_of_day() const noexcept {
        return TimeOfDay{local - std::chrono::floor<std::chrono::days>(local)};
    }
    /// local - utc: +01:00 in Berlin in winter.
    std::chrono::seconds utc_offset() const noexcept {
        return std::chrono::seconds{local.time_since_epoch() - utc.time_since_epoch()};
    }
};

/// Whether the system's tzdata knows `zone` (an IANA name such as "Europe/Berlin").
bool known_timezone(std::string_view zone);
/// `t` on the wall clock of `zone`. Throws std::invalid_argument for an unknown zone.
std::chrono::local_seconds to_local(std::chrono::sys_seconds t, std::string_view zone);
/// The instant a wall-clock time of `zone` names ("tomorrow 08:00 in Berlin" -> UTC). A time
/// skipped by a DST change moves forward by the gap; a repeated one takes the earlier instant.
/// Throws std::invalid_argument for an unknown zone.
std::chrono::sys_seconds to_utc(std::chrono::local_seconds t, std::string_view zone);

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
    static std::optional<TimeOfDay> parse(std::string_view text) {
        return slot_text::time_of_day(text);
    }
};
template <>
struct SlotType<DateTime> {
    static constexpr std::string_view name = "datetime";
    static std::optional<DateTime> parse(std::string_view text) {
        return slot_text::date_time(text);
    }
};
template <>
struct SlotType<DateRange> {
    static constexpr std::string_view name = "date range";
    static std::optional<DateRange> parse(std::string_view text) {
        return slot_text::date_range(text);
    }
};

}  // namespace skill
