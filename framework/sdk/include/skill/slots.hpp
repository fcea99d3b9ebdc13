#pragma once
// Slot value types and their text conversions (protocol.md §2).
//
// parse_slot<T>(text) returns std::nullopt when `text` does not convert to T;
// Context::slot<T>() turns that into a SlotError naming the slot and value.
// Strings, booleans, integers, floating point and durations are here; dates and times of
// day are in <skill/time.hpp>. Another type becomes a slot type by specialising SlotType.
#include <skill/clock.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace skill {

using Duration = std::chrono::milliseconds;  // ISO 8601: PT10M, P1DT2H, PT0.5S

namespace slot_text {
// Each returns std::nullopt when the whole text is not a valid value of the type.
std::optional<std::int64_t> integer(std::string_view text);  // "42", "-7"; no "4.2", no "42abc"
std::optional<double> floating(std::string_view text);       // "4.2", "-1e3", "42"; finite only
std::optional<bool> boolean(std::string_view text);  // on/off yes/no true/false 1/0, any case
std::optional<Duration> duration(std::string_view text);
}  // namespace slot_text

template <class>
inline constexpr bool unsupported_slot_type = false;

/// How slot text converts to T: `static std::optional<T> parse(std::string_view)` and
/// `static constexpr std::string_view name` (for error messages).
template <class T, class = void>
struct SlotType {
    static_assert(unsupported_slot_type<T>,
                  "no slot conversion for this type (dates and times: #include <skill/time.hpp>)");
};

template <>
struct SlotType<std::string> {
    static constexpr std::string_view name = "string";
    static std::optional<std::string> parse(std::string_view text) { return std::string(text); }
};

template <>
struct SlotType<bool> {
    static constexpr std::string_view name = "boolean";
    static std::optional<bool> parse(std::string_view text) { return slot_text::boolean(text); }
};

template <class T>
struct SlotType<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
    static constexpr std::string_view name = "integer";
    static std::optional<T> parse(std::string_view text) {
        auto v = slot_text::integer(text);
        if (!v || *v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            (*v > 0 && static_cast<std::uint64_t>(*v) > std::numeric_limits<T>::max()))
            return std::nullopt;
        return static_cast<T>(*v);
    }
};

template <class T>
struct SlotType<T, std::enable_if_t<std::is_floating_point_v<T>>> {
    static constexpr std::string_view name = "number";
    static std::optional<T> parse(std::string_view text) {
        auto v = slot_text::floating(text);
        return v ? std::optional<T>(static_cast<T>(*v)) : std::nullopt;
    }
};

template <>
struct SlotType<Duration> {
    static constexpr std::string_view name = "duration";
    static std::optional<Duration> parse(std::string_view text) { return slot_text::duration(text); }
};

template <class T>
std::optional<T> parse_slot(std::string_view text) {
    return SlotType<T>::parse(text);
}

/// Human name of a slot type for error messages ("integer", "date", ...).
template <class T>
constexpr std::string_view slot_type_name() {
    return SlotType<T>::name;
}

}  // namespace skill
