#pragma once
// Structured logs: one line per event, JSON (default) or human, on stderr.
//
//   skill::log::info("hello", "stored name", {{"traceId", ctx.trace_id()}});
//
// Configure once at start-up (LOG_LEVEL, LOG_FORMAT). Never pass a token as a
// field value: mask_token() exists for the rare case a token must be referred to.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace skill::log {

enum class Level { debug, info, warning, error, off };
enum class Format { json, human };

std::optional<Level> parse_level(std::string_view text);    // debug|info|warning|warn|error|off, any case
std::optional<Format> parse_format(std::string_view text);  // json|human

void configure(Level level, Format format);
Level level() noexcept;
inline bool enabled(Level l) noexcept { return l >= level() && l != Level::off; }

using Value = std::variant<std::string_view, std::int64_t, double, bool>;
using Field = std::pair<std::string_view, Value>;
using Fields = std::initializer_list<Field>;

/// Format one line (exposed for tests). JSON keys: @timestamp, level, logger,
/// message, then the fields in order.
std::string format_line(Format format, Level level, std::string_view logger,
                        std::string_view message, Fields fields);
/// Write one line when `level` is enabled (whole lines per write(2): lines never interleave).
void write(Level level, std::string_view logger, std::string_view message, Fields fields = {});
/// Write one line whatever the configured level, unless logging is `off`: a request
/// that asks for debug logs (X-User-Debug-Log: 1) gets its debug lines at level info.
void write_forced(Level level, std::string_view logger, std::string_view message,
                  Fields fields = {});

inline void debug(std::string_view logger, std::string_view msg, Fields f = {}) { write(Level::debug, logger, msg, f); }
inline void info(std::string_view logger, std::string_view msg, Fields f = {}) { write(Level::info, logger, msg, f); }
inline void warning(std::string_view logger, std::string_view msg, Fields f = {}) { write(Level::warning, logger, msg, f); }
inline void error(std::string_view logger, std::string_view msg, Fields f = {}) { write(Level::error, logger, msg, f); }

/// For event-loop threads (the HTTP server's I/O threads): lines below warning written
/// on the calling thread are collected and written together by flush(), one write(2)
/// per batch instead of one per line. `schedule(arg)` is called when a batch starts;
/// it must arrange a flush() on this thread soon (the server posts one to its loop, so
/// it runs once the ready work is done). Warnings and errors flush at once, with the
/// lines before them. nullptr: write through (the default).
void batch_thread_lines(void (*schedule)(void*), void* arg) noexcept;
/// Write the lines collected on the calling thread (nothing when none are).
void flush();

/// "eyJh…(812 chars)": enough to tell tokens apart, never enough to use one.
std::string mask_token(std::string_view token);

}  // namespace skill::log
