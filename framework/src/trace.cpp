#include "trace.hpp"

#include <random>

namespace skill::runtime {

namespace {

std::string random_hex(std::size_t digits) {
    // One generator per thread: no lock, no shared state on the hot path.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(digits, '0');
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        if (i % 16 == 0) bits = rng();
        out[i] = hex[bits & 0xf];
        bits >>= 4;
    }
    return out;
}

bool is_hex(std::string_view s, std::size_t min, std::size_t max) {
    if (s.size() < min || s.size() > max) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    return true;
}

}  // namespace

Trace trace_of(const net::Request& req) {
    Trace t;
    auto header = [&req](std::string_view name) { return std::string_view(req[name]); };

    std::string_view trace = header("X-B3-TraceId");
    std::string_view parent = header("traceparent");  // 00-<32 hex trace>-<16 hex span>-<2 hex flags>
    if (is_hex(trace, 16, 32)) {
        t.trace_id = std::string(trace);
    } else if (parent.size() == 55 && is_hex(parent.substr(3, 32), 32, 32)) {
        t.trace_id = std::string(parent.substr(3, 32));
    } else {
        t.trace_id = random_hex(32);
    }
    t.span_id = random_hex(16);

    std::string_view caller_span = header("X-B3-SpanId");
    if (parent.size() == 55 && caller_span.empty()) caller_span = parent.substr(36, 16);
    t.headers.emplace_back("X-B3-TraceId", t.trace_id);
    t.headers.emplace_back("X-B3-SpanId", t.span_id);
    if (is_hex(caller_span, 16, 16)) t.headers.emplace_back("X-B3-ParentSpanId", std::string(caller_span));
    if (auto sampled = header("X-B3-Sampled"); sampled == "0" || sampled == "1")
        t.headers.emplace_back("X-B3-Sampled", std::string(sampled));
    // W3C: our span becomes the parent of the downstream call.
    std::string flags = parent.size() == 55 ? std::string(parent.substr(53, 2)) : "01";
    std::string w3c_trace = std::string(32 - t.trace_id.size(), '0') + t.trace_id;  // B3 may be 64-bit
    t.headers.emplace_back("traceparent", "00-" + w3c_trace + "-" + t.span_id + "-" + flags);
    return t;
}

}  // namespace skill::runtime
