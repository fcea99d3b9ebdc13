// Structured log lines (docs/logging.md). On every request, so: no iostreams, one
// reused thread_local buffer, one write(2) per line.
#include <skill/log.hpp>

#include <skill/ascii.hpp>
#include <skill/json_escape.hpp>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <string>

#include <unistd.h>

namespace skill::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::json};

std::string_view level_name(Level level) {
    switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warning: return "WARN";
    case Level::error: return "ERROR";
    case Level::off: break;
    }
    return "OFF";
}

// JSON string escaping into room for 6 * s.size() bytes; a line never holds a raw DEL.
char* escape_into(char* p, std::string_view s) {
    return json_escape::escape_into<json_escape::Del::escaped>(p, s);
}

// JSON string escaping without the quotes; also used by the human format so a
// value can never break the line.
void append_escaped(std::string& out, std::string_view s) {
    const std::size_t old = out.size();
    out.resize(old + 6 * s.size() + 8);
    char* end = escape_into(out.data() + old, s);
    out.resize(static_cast<std::size_t>(end - out.data()));
}

void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    append_escaped(out, s);
    out += '"';
}

template <class T>
void append_number(std::string& out, T value) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, ec == std::errc{} ? end : buf);
}

// A double with at most three decimals (durations in ms with µs precision, the
// common case) as to_chars would write it, at a fraction of its cost: when
// d == m / 1000 exactly, "m/1000" with the zeros trimmed is the shortest form.
bool append_millis(std::string& out, double d) {
    if (!(d >= 0 && d < 1e12)) return false;
    const auto m = static_cast<std::int64_t>(d * 1000 + 0.5);
    if (static_cast<double>(m) / 1000 != d) return false;
    append_number(out, m / 1000);
    int frac = static_cast<int>(m % 1000);
    if (frac == 0) return true;
    char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10), 0};
    std::size_t n = 3;
    while (digits[n - 1] == '0') --n;
    out += '.';
    out.append(digits, n);
    return true;
}

void append_value(std::string& out, const Value& value, bool quote_strings) {
    if (const auto* s = std::get_if<std::string_view>(&value)) {
        if (quote_strings) append_quoted(out, *s);
        else append_escaped(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
        append_number(out, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
        // JSON has no NaN/Infinity.
        if (!std::isfinite(*d)) out += "null";
        else if (!append_millis(out, *d)) append_number(out, *d);
    } else {
        out += std::get<bool>(value) ? "true" : "false";
    }
}

// Human values stay bare unless they would be ambiguous on the line.
bool needs_quotes(std::string_view s) {
    if (s.empty()) return true;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == '"' || c == '=' || c == '\\' || c == 0x7F) return true;
    }
    return false;
}

void append_two(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

// The current UTC time as "2026-11-25T10:00:00" (cached per thread per second) and ms.
void timestamp(std::string_view& date, int& milli) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
    const auto secs = static_cast<std::time_t>(ms / 1000);
    thread_local std::time_t cached_secs = -1;
    thread_local std::string cached;
    if (secs != cached_secs) {
        std::tm tm{};
        gmtime_r(&secs, &tm);
        cached.clear();
        append_number(cached, tm.tm_year + 1900);
        cached += '-'; append_two(cached, tm.tm_mon + 1);
        cached += '-'; append_two(cached, tm.tm_mday);
        cached += 'T'; append_two(cached, tm.tm_hour);
        cached += ':'; append_two(cached, tm.tm_min);
        cached += ':'; append_two(cached, tm.tm_sec);
        cached_secs = secs;
    }
    date = cached;
    milli = static_cast<int>(ms % 1000);
}

// "2026-11-25T10:00:00.123Z"
void append_timestamp(std::string& out) {
    std::string_view date;
    int milli = 0;
    timestamp(date, milli);
    out += date;
    out += '.';
    out += static_cast<char>('0' + milli / 100);
    append_two(out, milli % 100);
    out += 'Z';
}

class RawWriter {
  public:
    explicit RawWriter(char* p) : p_(p) {}
    void raw(std::string_view s) {
        std::memcpy(p_, s.data(), s.size());
        p_ += s.size();
    }
    void ch(char c) { *p_++ = c; }
    void quoted(std::string_view s) {
        *p_++ = '"';
        p_ = escape_into(p_, s);
        *p_++ = '"';
    }
    void value(const Value& v) {
        if (const auto* s = std::get_if<std::string_view>(&v)) {
            quoted(*s);
        } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
            p_ = std::to_chars(p_, p_ + max_number, *i).ptr;
        } else if (std::holds_alternative<double>(v)) {
            thread_local std::string text;  // reused: no allocation per line
            text.clear();
            append_value(text, v, true);
            raw(text);
        } else {
            raw(std::get<bool>(v) ? "true" : "false");
        }
    }
    char* end() const { return p_; }

    static constexpr std::size_t max_number = 48;
    /// Room a string needs: every byte escaped, the quotes, escape_into's slack.
    static std::size_t room(std::string_view s) { return 6 * s.size() + 10; }
    static std::size_t room(const Value& v) {
        const auto* s = std::get_if<std::string_view>(&v);
        return s ? room(*s) : max_number;
    }

  private:
    char* p_;
};

void format_json(std::string& out, Level level, std::string_view logger,
                 std::string_view message, Fields fields) {
    std::size_t room = 96 + RawWriter::room(logger) + RawWriter::room(message);
    for (const auto& [key, value] : fields) room += 2 + RawWriter::room(key) + RawWriter::room(value);
    const std::size_t old = out.size();
    out.resize(old + room);
    RawWriter w(out.data() + old);
    w.raw("{\"@timestamp\":\"");
    std::string_view date;
    int milli = 0;
    timestamp(date, milli);
    w.raw(date);
    const char ms[] = {'.', static_cast<char>('0' + milli / 100),
                       static_cast<char>('0' + milli / 10 % 10), static_cast<char>('0' + milli % 10),
                       'Z'};
    w.raw({ms, sizeof ms});
    w.raw("\",\"level\":\"");
    w.raw(level_name(level));
    w.raw("\",\"logger\":");
    w.quoted(logger);
    w.raw(",\"message\":");
    w.quoted(message);
    for (const auto& [key, value] : fields) {
        w.ch(',');
        w.quoted(key);
        w.ch(':');
        w.value(value);
    }
    w.ch('}');
    out.resize(static_cast<std::size_t>(w.end() - out.data()));
}

void format_human(std::string& out, Level level, std::string_view logger,
                  std::string_view message, Fields fields) {
    append_timestamp(out);
    out += ' ';
    const auto name = level_name(level);
    out += name;
    out.append(name.size() < 5 ? 5 - name.size() : 0, ' ');
    out += ' ';
    append_escaped(out, logger);
    out += ": ";
    append_escaped(out, message);
    for (const auto& [key, value] : fields) {
        out += ' ';
        append_escaped(out, key);
        out += '=';
        const auto* s = std::get_if<std::string_view>(&value);
        append_value(out, value, s && needs_quotes(*s));
    }
}

void format_into(std::string& out, Format format, Level level, std::string_view logger,
                 std::string_view message, Fields fields) {
    if (format == Format::json) format_json(out, level, logger, message, fields);
    else format_human(out, level, logger, message, fields);
}

// Lines of this thread not yet written (batch_thread_lines), or the line being written.
struct ThreadBatch {
    std::string lines;
    void (*schedule)(void*) = nullptr;
    void* arg = nullptr;
};
thread_local ThreadBatch t_batch;
// A batch never grows past this: a burst of lines is written in pieces of ~64 KiB.
constexpr std::size_t max_batch_bytes = 64 * 1024;

void write_all(const std::string& line) {
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const auto n = ::write(2, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // nowhere left to report a failing stderr
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
    if (ascii::iequals(text, "debug")) return Level::debug;
    if (ascii::iequals(text, "info")) return Level::info;
    if (ascii::iequals(text, "warning") || ascii::iequals(text, "warn")) return Level::warning;
    if (ascii::iequals(text, "error")) return Level::error;
    if (ascii::iequals(text, "off")) return Level::off;
    return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text) {
    if (ascii::iequals(text, "json")) return Format::json;
    if (ascii::iequals(text, "human")) return Format::human;
    return std::nullopt;
}

void configure(Level level, Format format) {
    g_level.store(level, std::memory_order_relaxed);
    g_format.store(format, std::memory_order_relaxed);
}

Level level() noexcept { return g_level.load(std::memory_order_relaxed); }

std::string format_line(Format format, Level level, std::string_view logger,
                        std::string_view message, Fields fields) {
    std::string out;
    format_into(out, format, level, logger, message, fields);
    return out;
}

void write(Level level, std::string_view logger, std::string_view message, Fields fields) {
    if (!enabled(level)) return;
    write_forced(level, logger, message, fields);
}

void batch_thread_lines(void (*schedule)(void*), void* arg) noexcept {
    t_batch.schedule = schedule;
    t_batch.arg = arg;
}

void flush() {
    if (t_batch.lines.empty()) return;
    write_all(t_batch.lines);
    t_batch.lines.clear();
}

void write_forced(Level level, std::string_view logger, std::string_view message, Fields fields) {
    if (g_level.load(std::memory_order_relaxed) == Level::off) return;
    const bool batching = t_batch.schedule != nullptr;
    const bool first = t_batch.lines.empty();
    // Unbatched, the buffer holds this one line (reused: no allocation per line).
    format_into(t_batch.lines, g_format.load(std::memory_order_relaxed), level, logger, message,
                fields);
    t_batch.lines += '\n';
    if (!batching || level >= Level::warning || t_batch.lines.size() >= max_batch_bytes)
        flush();
    else if (first)
        t_batch.schedule(t_batch.arg);
}

std::string mask_token(std::string_view token) {
    if (token.size() < 12) return "***";
    std::string out(token.substr(0, 4));
    out += "\xE2\x80\xA6(";  // U+2026 HORIZONTAL ELLIPSIS
    append_number(out, token.size());
    out += " chars)";
    return out;
}

}  // namespace skill::log
