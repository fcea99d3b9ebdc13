#pragma once
// Debug lines of one request: written when the level is debug, or for this
// request alone when the platform sent `X-User-Debug-Log: 1`. Callers put
// traceId and spanId into every line's fields.
#include <skill/log.hpp>
#include <string_view>

namespace skill::runtime {

struct RequestLog {
    bool forced = false;  // X-User-Debug-Log: 1

    /// Check before building expensive fields.
    bool debug_enabled() const noexcept {
        return forced ? log::level() != log::Level::off : log::enabled(log::Level::debug);
    }
    void debug(std::string_view logger, std::string_view message, log::Fields fields) const {
        if (forced)
            log::write_forced(log::Level::debug, logger, message, fields);
        else
            log::debug(logger, message, fields);
    }
};

/// What a log line may show of a request target: its path. The query string
/// (`?access_token=...`) and anything after `#` are never logged.
inline std::string_view loggable_path(std::string_view target) noexcept {
    return target.substr(0, target.find_first_of("?#"));
}

/// The platform's per-request debug switch.
template <class Request>
RequestLog request_log_of(const Request& req) {
    return RequestLog{req["X-User-Debug-Log"] == "1"};
}

}  // namespace skill::runtime
