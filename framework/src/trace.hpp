#pragma once
// Trace context of one request: B3 or W3C headers in, created when absent,
// passed on to every platform-service call.
#include <skill/persistence.hpp>
#include <skill/net/http.hpp>

#include <string>

namespace skill::runtime {

struct Trace {
    std::string trace_id;  // 32 hex digits
    std::string span_id;   // 16 hex digits (this request's span)
    HeaderList headers;    // what to pass on
};

/// Reads X-B3-TraceId / X-B3-SpanId / X-B3-Sampled or `traceparent`; makes new ids when absent.
Trace trace_of(const net::Request& req);

}  // namespace skill::runtime
