// Slot text -> typed values. Strict: the whole text (minus surrounding ASCII whitespace) must
// be one valid value, otherwise std::nullopt; nothing is guessed or half-read.
#include <skill/time.hpp>

#include <skill/ascii.hpp>
#include <array>
#include <charconv>
#include <cmath>

namespace skill::slot_text {
namespace {

using namespace std::chrono;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// A read position in the text; every reader returns nullopt/false without a partial result.
struct Cursor {
    std::string_view s;
    std::size_t pos = 0;

    bool done() const { return pos == s.size(); }
    bool peek(char c) const { return pos < s.size() && s[pos] == c; }
    bool eat(char c) {
        if (!peek(c)) return false;
        ++pos;
        return true;
    }
    // Exactly n digits as a number.
    std::optional<int> fixed(std::size_t n) {
        if (s.size() - pos < n) return std::nullopt;
        int v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!is_digit(s[pos + i])) return std::nullopt;
            v = v * 10 + (s[pos + i] - '0');
        }
        pos += n;
        return v;
    }
    // One or more digits; the view of them.
    std::string_view digit_run() {
        const std::size_t start = pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        return s.substr(start, pos - start);
    }
};

std::optional<Date> read_date(Cursor& c) {
    const auto y = c.fixed(4);
    if (!y || !c.eat('-')) return std::nullopt;
    const auto m = c.fixed(2);
    if (!m || !c.eat('-')) return std::nullopt;
    const auto d = c.fixed(2);
    if (!d) return std::nullopt;
    const Date date{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
    return date.ok() ? std::optional(date) : std::nullopt;
}

// HH:MM[:SS[.fff]] as seconds since midnight; fractions (only when allowed) are dropped.
std::optional<seconds> read_time(Cursor& c, bool allow_fraction) {
    const auto h = c.fixed(2);
    if (!h || *h > 23 || !c.eat(':')) return std::nullopt;
    const auto m = c.fixed(2);
    if (!m || *m > 59) return std::nullopt;
    int s = 0;
    if (c.eat(':')) {
        const auto sec = c.fixed(2);
        if (!sec || *sec > 59) return std::nullopt;
        s = *sec;
        if (allow_fraction && (c.eat('.') || c.eat(',')) && c.digit_run().empty())
            return std::nullopt;
    }
    return hours{*h} + minutes{*m} + seconds{s};
}

// "Z" or ±HH:MM; `present` is false when the text carries no offset at all.
std::optional<minutes> read_offset(Cursor& c, bool& present) {
    present = true;
    if (c.eat('Z')) return minutes{0};
    const bool minus = c.peek('-');
    if (!c.eat('+') && !c.eat('-')) {
        present = false;
        return std::nullopt;
    }
    const auto h = c.fixed(2);
    if (!h || *h > 23 || !c.eat(':')) return std::nullopt;
    const auto m = c.fixed(2);
    if (!m || *m > 59) return std::nullopt;
    const minutes offset = hours{*h} + minutes{*m};
    return minus ? -offset : offset;
}

// Parses a whole (trimmed) text with `read`, which must consume all of it.
template <class Read>
auto whole(std::string_view text, Read read) -> decltype(read(std::declval<Cursor&>())) {
    Cursor c{trim(text)};
    auto v = read(c);
    if (!v || !c.done()) return std::nullopt;
    return v;
}

// A leading '+' is fine for a number but std::from_chars only knows '-'.
std::string_view strip_plus(std::string_view s) {
    if (s.size() > 1 && s[0] == '+' && (is_digit(s[1]) || s[1] == '.')) s.remove_prefix(1);
    return s;
}

struct DurationUnit {
    char designator;
    bool in_time_part;  // after 'T'
    std::int64_t ms;
};
// In the order ISO 8601 requires; years and months have no fixed length, so they are refused.
constexpr std::array<DurationUnit, 5> duration_units{{
    {'W', false, 7 * 86'400'000LL},
    {'D', false, 86'400'000LL},
    {'H', true, 3'600'000LL},
    {'M', true, 60'000LL},
    {'S', true, 1'000LL},
}};

bool add_checked(std::int64_t& total, std::int64_t add) {
    if (add > std::numeric_limits<std::int64_t>::max() - total) return false;
    total += add;
    return true;
}

// n units plus an optional fraction (seconds only, truncated to milliseconds), into `total`.
bool add_component(std::int64_t& total, std::string_view whole_digits,
                   std::string_view fraction, const DurationUnit& unit) {
    std::int64_t n = 0;
    const auto* end = whole_digits.data() + whole_digits.size();
    if (std::from_chars(whole_digits.data(), end, n).ec != std::errc{}) return false;
    if (n > std::numeric_limits<std::int64_t>::max() / unit.ms) return false;
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < 3; ++i)
        ms = ms * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    return add_checked(total, n * unit.ms) && add_checked(total, ms);
}

std::optional<Duration> read_duration(Cursor& c) {
    if (!c.eat('P')) return std::nullopt;
    std::int64_t total = 0;
    std::size_t next_unit = 0;  // units must come in order, each at most once
    bool time_part = false;
    int components = 0;
    int time_components = 0;
    while (!c.done()) {
        if (c.eat('T')) {
            if (time_part) return std::nullopt;
            time_part = true;
            continue;
        }
        const auto digits = c.digit_run();
        std::string_view fraction;
        if (c.eat('.') || c.eat(',')) {
            fraction = c.digit_run();
            if (fraction.empty()) return std::nullopt;
        }
        if (digits.empty() || c.done()) return std::nullopt;
        const char designator = c.s[c.pos++];
        std::size_t u = next_unit;
        while (u < duration_units.size() && (duration_units[u].designator != designator ||
                                             duration_units[u].in_time_part != time_part))
            ++u;
        if (u == duration_units.size()) return std::nullopt;
        if (!fraction.empty() && designator != 'S') return std::nullopt;
        if (!add_component(total, digits, fraction, duration_units[u])) return std::nullopt;
        // PnW stands alone in ISO 8601: W is first in order, and nothing may follow it.
        next_unit = designator == 'W' ? duration_units.size() : u + 1;
        ++components;
        if (time_part) ++time_components;
    }
    if (components == 0 || (time_part && time_components == 0)) return std::nullopt;
    return Duration{total};
}

}  // namespace

std::optional<std::int64_t> integer(std::string_view text) {
    const auto s = strip_plus(trim(text));
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> floating(std::string_view text) {
    const auto s = strip_plus(trim(text));
    double v = 0;
    const auto [ptr, ec] =
        std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<bool> boolean(std::string_view text) {
    const auto s = trim(text);
    for (const auto* yes : {"on", "yes", "true", "1"})
        if (ascii::iequals(s, yes)) return true;
    for (const auto* no : {"off", "no", "false", "0"})
        if (ascii::iequals(s, no)) return false;
    return std::nullopt;
}

std::optional<Date> date(std::string_view text) { return whole(text, read_date); }

std::optional<TimeOfDay> time_of_day(std::string_view text) {
    const auto t = whole(text, [](Cursor& c) { return read_time(c, false); });
    return t ? std::optional(TimeOfDay{*t}) : std::nullopt;
}

std::optional<DateTime> date_time(std::string_view text) {
    return whole(text, [](Cursor& c) -> std::optional<DateTime> {
        const auto d = read_date(c);
        if (!d || !c.eat('T')) return std::nullopt;
        const auto t = read_time(c, true);
        if (!t) return std::nullopt;
        bool has_offset = false;
        const auto offset = read_offset(c, has_offset);
        if (has_offset && !offset) return std::nullopt;
        return DateTime{local_days{*d} + *t, offset};
    });
}

std::optional<DateRange> date_range(std::string_view text) {
    const auto s = trim(text);
    const auto slash = s.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const auto left = s.substr(0, slash);
    const auto right = s.substr(slash + 1);
    if (left.empty() && right.empty()) return std::nullopt;
    DateRange r;
    // Each side must be a bare date: no whitespace around the '/' either.
    if (!left.empty() && !(r.first = whole(left, read_date))) return std::nullopt;
    if (!right.empty() && !(r.last = whole(right, read_date))) return std::nullopt;
    if (trim(left) != left || trim(right) != right) return std::nullopt;
    if (r.first && r.last && sys_days{*r.last} < sys_days{*r.first}) return std::nullopt;
    return r;
}

std::optional<Duration> duration(std::string_view text) { return whole(text, read_duration); }

}  // namespace skill::slot_text
