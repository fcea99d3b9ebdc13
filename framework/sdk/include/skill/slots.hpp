#pragma once
// Slot value types and their text conversions (protocol.md §2).
//
// parse_slot<T>(text) returns std::nullopt when `text` does not convert to T;
// Context::slot<T>() turns that into a SlotError naming the slot and value.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace skill {

using Date = std::chrono::year_month_day;                 // 2026-11-25
using TimeOfDay = std::chrono::hh_mm_ss<std::chrono::seconds>;  // 10:00 or 10:00:30
using Duration = std::chrono::milliseconds;               // ISO 8601: PT10M, P1DT2H, PT0.5S

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
std::optional<std::int64_t> integer(std::string_view text);  // "42", "-7"; no "4.2", no "42abc"
std::optional<double> floating(std::string_view text);       // "4.2", "-1e3", "42"; finite only
std::optional<bool> boolean(std::string_view text);  // on/off yes/no true/false 1/0, any case
std::optional<Date> date(std::string_view text);
std::optional<TimeOfDay> time_of_day(std::string_view text);
std::optional<DateTime> date_time(std::string_view text);
std::optional<DateRange> date_range(std::string_view text);
std::optional<Duration> duration(std::string_view text);
}  // namespace slot_text

template <class>
inline constexpr bool unsupported_slot_type = false;

template <class T>
std::optional<T> parse_slot(std::string_view text) {
    if constexpr (std::is_same_v<T, std::string>) {
        return std::string(text);
    } else if constexpr (std::is_same_v<T, bool>) {
        return slot_text::boolean(text);
    } else if constexpr (std::is_integral_v<T>) {
        auto v = slot_text::integer(text);
        if (!v || *v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            (*v > 0 && static_cast<std::uint64_t>(*v) > std::numeric_limits<T>::max()))
            return std::nullopt;
        return static_cast<T>(*v);
    } else if constexpr (std::is_floating_point_v<T>) {
        auto v = slot_text::floating(text);
        return v ? std::optional<T>(static_cast<T>(*v)) : std::nullopt;
    } else if constexpr (std::is_same_v<T, Date>) {
        return slot_text::date(text);
    } else if constexpr (std::is_same_v<T, TimeOfDay>) {
        return slot_text::time_of_day(text);
    } else if constexpr (std::is_same_v<T, DateTime>) {
        return slot_text::date_time(text);
    } else if constexpr (std::is_same_v<T, DateRange>) {
        return slot_text::date_range(text);
    } else if constexpr (std::is_same_v<T, Duration>) {
        return slot_text::duration(text);
    } else {
        static_assert(unsupported_slot_type<T>, "no slot conversion for this type");
    }
}

/// Human name of a slot type for error messages ("integer", "date", ...).
template <class T>
constexpr std::string_view slot_type_name() {
    if constexpr (std::is_same_v<T, std::string>) return "string";
    else if constexpr (std::is_same_v<T, bool>) return "boolean";
    else if constexpr (std::is_integral_v<T>) return "integer";
    else if constexpr (std::is_floating_point_v<T>) return "number";
    else if constexpr (std::is_same_v<T, Date>) return "date";
    else if constexpr (std::is_same_v<T, TimeOfDay>) return "time";
    else if constexpr (std::is_same_v<T, DateTime>) return "datetime";
    else if constexpr (std::is_same_v<T, DateRange>) return "date range";
    else if constexpr (std::is_same_v<T, Duration>) return "duration";
    else return "value";
}

}  // namespace skill
