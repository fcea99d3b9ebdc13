// libFuzzer target: parse_invocation (protocol.md §2) on arbitrary bytes.
// ProtocolError is the expected answer to bad input; anything else escaping,
// a crash or a sanitizer report is a bug. Accepted invocations must respect the
// limits they were parsed with, and their slot texts go through every slot parser.
// Differential: whatever the fast path accepts, the tree path must accept with an
// equal Invocation; whatever the tree path refuses, the fast path must decline.
#include "invocation_parser.hpp"

#include <skill/time.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
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
    for (const auto& [key, values] : inv.configuration) {
        check_size(key, limits, "configuration key over max_string_bytes");
        for (const auto& v : values)
            if (auto d = v.as_double(); d && !std::isfinite(*d))
                violated("non-finite configuration number");
    }
    if (inv.session) {
        check_size(inv.session->id, limits, "session id over max_string_bytes");
        for (const auto& [k, v] : inv.session->attributes) {
            check_size(k, limits, "session key over max_string_bytes");
            check_size(v, limits, "session value over max_string_bytes");
        }
    }
}

/// Configuration values compared as the JSON they are (Document has no operator==).
bool same_configuration(const decltype(skill::Invocation::configuration)& a,
                        const decltype(skill::Invocation::configuration)& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i->first != j->first || i->second.size() != j->second.size()) return false;
        for (std::size_t k = 0; k < i->second.size(); ++k)
            if (i->second[k].to_json_text() != j->second[k].to_json_text()) return false;
    }
    return true;
}

bool same(const skill::SlotValue& a, const skill::SlotValue& b) {
    return a.id == b.id && a.value == b.value && a.nested_in == b.nested_in &&
           a.overlaps_with == b.overlaps_with && a.extras == b.extras;
}

bool same(const skill::Invocation& a, const skill::Invocation& b) {
    const auto same_slot = [](const auto& x, const auto& y) {
        return x.first == y.first &&
               std::equal(x.second.begin(), x.second.end(), y.second.begin(), y.second.end(),
                          [](const auto& p, const auto& q) { return same(p, q); });
    };
    const auto same_session = [](const skill::Session& x, const skill::Session& y) {
        return x.id == y.id && x.is_new == y.is_new && x.attributes == y.attributes;
    };
    return a.intent == b.intent && a.locale == b.locale && a.skill_id == b.skill_id &&
           a.attributes == b.attributes && a.tokens == b.tokens &&
           same_configuration(a.configuration, b.configuration) && a.client_type_name == b.client_type_name &&
           a.user_profile_config == b.user_profile_config && a.spi_version == b.spi_version &&
           std::equal(a.attributes_v2.begin(), a.attributes_v2.end(), b.attributes_v2.begin(),
                      b.attributes_v2.end(), same_slot) &&
           a.session.has_value() == b.session.has_value() &&
           (!a.session || same_session(*a.session, *b.session));
}

// The fast path never decides on its own: it agrees with the tree path or declines.
void differential(std::string_view body, const ParseLimits& limits) {
    namespace detail = skill::runtime::detail;
    const std::optional<skill::Invocation> fast = detail::parse_invocation_fast(body, limits);
    try {
        const auto tree = detail::parse_invocation_tree(body, limits);
        if (fast && !same(*fast, tree)) violated("fast path result differs from the tree path");
    } catch (const skill::runtime::ProtocolError&) {
        if (fast) violated("fast path accepted a body the tree path refuses");
    }
}

void parse_with(std::string_view body, const ParseLimits& limits) {
    differential(body, limits);
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
