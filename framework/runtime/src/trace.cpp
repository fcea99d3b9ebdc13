#include "trace.hpp"

#include <boost/beast/core/string.hpp>

#include <random>

namespace skill::runtime {

namespace {

// splitmix64 per thread, seeded once from the OS: ids must be unique, not secret,
// and this costs a few instructions where mt19937 costs a state twist.
std::uint64_t next_random() {
    thread_local std::uint64_t state =
        (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void random_hex(char* out, std::size_t digits) {
    static constexpr char hex[] = "0123456789abcdef";
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        if (i % 16 == 0) bits = next_random();
        out[i] = hex[bits & 0xf];
        bits >>= 4;
    }
}

bool is_hex(std::string_view s, std::size_t min, std::size_t max) {
    if (s.size() < min || s.size() > max) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    return true;
}

/// The trace headers of a request, found in one pass over its fields (they are
/// few; five lookups by name cost more than the rest of the trace handling).
struct Incoming {
    std::string_view b3_trace, b3_span, b3_sampled, traceparent;
};

Incoming incoming_of(const net::Request& req) {
    using boost::beast::iequals;
    Incoming in;
    for (const auto& field : req) {
        const std::string_view name = field.name_string();
        switch (name.size()) {
        case 11:
            if (iequals(name, "X-B3-SpanId")) in.b3_span = field.value();
            else if (iequals(name, "traceparent")) in.traceparent = field.value();
            break;
        case 12:
            if (iequals(name, "X-B3-TraceId")) in.b3_trace = field.value();
            else if (iequals(name, "X-B3-Sampled")) in.b3_sampled = field.value();
            break;
        default: break;
        }
    }
    return in;
}

}  // namespace

Trace trace_of(const net::Request& req) {
    const Incoming in = incoming_of(req);
    // 00-<32 hex trace>-<16 hex span>-<2 hex flags>
    const std::string_view parent = in.traceparent.size() == 55 ? in.traceparent : std::string_view();
    Trace t;
    std::string_view trace_id;
    if (is_hex(in.b3_trace, 16, 32)) trace_id = in.b3_trace;
    else if (!parent.empty() && is_hex(parent.substr(3, 32), 32, 32)) trace_id = parent.substr(3, 32);
    if (trace_id.empty()) {
        random_hex(t.trace_id_.data(), 32);
        t.trace_id_size_ = 32;
    } else {
        trace_id.copy(t.trace_id_.data(), trace_id.size());
        t.trace_id_size_ = trace_id.size();
    }
    random_hex(t.span_id_.data(), t.span_id_.size());

    std::string_view caller_span = in.b3_span;
    if (!parent.empty() && caller_span.empty()) caller_span = parent.substr(36, 16);
    if (is_hex(caller_span, 16, 16)) t.parent_span_ = caller_span;
    if (in.b3_sampled == "0" || in.b3_sampled == "1") t.sampled_ = in.b3_sampled;
    if (!parent.empty()) t.flags_ = parent.substr(53, 2);
    return t;
}

HeaderList Trace::headers() const {
    HeaderList out;
    out.reserve(5);
    out.emplace_back("X-B3-TraceId", trace_id());
    out.emplace_back("X-B3-SpanId", span_id());
    if (!parent_span_.empty()) out.emplace_back("X-B3-ParentSpanId", parent_span_);
    if (!sampled_.empty()) out.emplace_back("X-B3-Sampled", sampled_);
    // W3C: our span becomes the parent of the downstream call.
    std::string w3c = "00-";
    w3c.append(32 - trace_id().size(), '0').append(trace_id());  // B3 may be 64-bit
    w3c.append("-").append(span_id()).append("-").append(flags_);
    out.emplace_back("traceparent", std::move(w3c));
    return out;
}

}  // namespace skill::runtime
