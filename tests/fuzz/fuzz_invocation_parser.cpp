// libFuzzer target: parse_invocation (protocol.md §2) on arbitrary bytes.
// ProtocolError is the expected answer to bad input; anything else escaping,
// a crash or a sanitizer report is a bug. Accepted invocations must respect the
// limits they were parsed with, and their slot texts go through every slot parser.
#include "invocation_parser.hpp"

#include <skill/slots.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using skill::runtime::ParseLimits;

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

void check_size(const std::string& s, const ParseLimits& limits, const char* what) {
    if (s.size() > limits.max_string_bytes) violated(what);
}

// The conversions a handler applies to slot texts (Context::slot<T>): none may throw.
void parse_as_every_slot_type(std::string_view text) {
    using namespace skill;
    (void)parse_slot<bool>(text);
    (void)parse_slot<int>(text);
    (void)parse_slot<std::int64_t>(text);
    (void)parse_slot<std::uint8_t>(text);
    (void)parse_slot<double>(text);
    (void)parse_slot<Date>(text);
    (void)parse_slot<TimeOfDay>(text);
    (void)parse_slot<DateTime>(text);
    (void)parse_slot<DateRange>(text);
    (void)parse_slot<Duration>(text);
}

void check(const skill::Invocation& inv, const ParseLimits& limits) {
    check_size(inv.intent, limits, "intent over max_string_bytes");
    check_size(inv.locale, limits, "locale over max_string_bytes");
    for (const auto& [name, token] : inv.tokens) {
        check_size(name, limits, "token name over max_string_bytes");
        check_size(token, limits, "token over max_string_bytes");
    }
    for (const auto& [slot, values] : inv.attributes) {
        check_size(slot, limits, "slot name over max_string_bytes");
        for (const auto& v : values) {
            check_size(v, limits, "slot value over max_string_bytes");
            parse_as_every_slot_type(v);
        }
    }
    if (inv.session) {
        check_size(inv.session->id, limits, "session id over max_string_bytes");
        for (const auto& [k, v] : inv.session->attributes) {
            check_size(k, limits, "session key over max_string_bytes");
            check_size(v, limits, "session value over max_string_bytes");
        }
    }
}

void parse_with(std::string_view body, const ParseLimits& limits) {
    try {
        check(skill::runtime::parse_invocation(body, limits), limits);
    } catch (const skill::runtime::ProtocolError& e) {
        if (std::string_view(e.what()).empty()) violated("ProtocolError without a detail");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    parse_with(body, ParseLimits{});
    // Tight limits reach the depth and length checks with small inputs.
    parse_with(body, ParseLimits{4, 16});
    return 0;
}
