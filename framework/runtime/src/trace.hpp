#pragma once
// Trace context of one request: B3 or W3C headers in, created when absent,
// passed on to every platform-service call.
#include <skill/persistence.hpp>
#include <skill/net/http.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace skill::runtime {

/// Ids live in the object (no allocation per request); the `parent`, `sampled` and
/// `flags` views point into the request, which outlives the invocation.
class Trace {
public:
    std::string_view trace_id() const noexcept { return {trace_id_.data(), trace_id_size_}; }
    std::string_view span_id() const noexcept { return {span_id_.data(), span_id_.size()}; }
    /// What to pass on downstream (B3 and W3C), built when a service is called.
    HeaderList headers() const;

    friend Trace trace_of(const net::Request& req);

private:
    std::array<char, 32> trace_id_{};  // 16 or 32 hex digits (B3 may be 64-bit)
    std::size_t trace_id_size_ = 0;
    std::array<char, 16> span_id_{};   // this request's span
    std::string_view parent_span_;     // the caller's span, when it sent a valid one
    std::string_view sampled_;         // "0", "1" or empty
    std::string_view flags_ = "01";    // W3C trace flags
};

/// Reads X-B3-TraceId / X-B3-SpanId / X-B3-Sampled or `traceparent`; makes new ids when absent.
Trace trace_of(const net::Request& req);

}  // namespace skill::runtime
