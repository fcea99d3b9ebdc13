#pragma once
// skill-invoke's command line, parsed into what to send.
#include <skill/testing/invocation_builder.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace skill::invoke {

struct Options {
    std::string url;
    bool probe = false;  // --probe: GET url, succeed on 200 (health checks)
    bool raw = false;    // print the body as received
    std::string basic_auth;  // "user:password", empty: none
    std::chrono::milliseconds timeout{10'000};
    std::optional<testing::InvocationBuilder> invocation;
};

/// Options, or an error message for the usage line.
struct Parsed {
    std::optional<Options> options;
    std::string error;
};

Parsed parse_options(const std::vector<std::string>& args);

extern const char* const usage;

}  // namespace skill::invoke
