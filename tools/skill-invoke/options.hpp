#pragma once
// skill-invoke's command line, parsed into what to send.
#include <chrono>
#include <optional>
#include <skill/testing/invocation_builder.hpp>
#include <string>
#include <vector>

namespace skill::invoke {

/// What every invocation carries besides its intent and slots.
struct Caller {
    std::optional<std::string> token;  // --token; none: no cvi token is sent
    std::string dev_user;              // --dev-token USER: a token from the local stub
    std::optional<std::string> locale, skill_id;
};

/// One turn: INTENT [SLOT=VALUE ...].
struct Turn {
    std::string intent;
    std::vector<std::pair<std::string, std::string>> slots;
};

struct Options {
    std::string url;
    bool help = false;       // --help: usage on stdout, exit 0
    bool probe = false;      // --probe: GET url, succeed on 200 (health checks)
    bool dialogue = false;   // --dialogue: turns from stdin, one session, attributes carried
    bool raw = false;        // print the body as received
    std::string basic_auth;  // "user:password", empty: none
    std::chrono::milliseconds timeout{10'000};
    Caller caller;
    std::optional<Turn> turn;  // the single invocation (not --probe, not --dialogue)
    // The session flags of a single invocation.
    std::optional<std::string> session;
    std::map<std::string, std::string> attributes;
    bool is_new = false;
};

/// Options, or an error message for the usage line.
struct Parsed {
    std::optional<Options> options;
    std::string error;
};

Parsed parse_options(const std::vector<std::string>& args);

/// A dialogue line: INTENT [SLOT=VALUE ...], words split at blanks, "double quotes" keep
/// blanks in a value. Empty and '#' lines: nullopt and an empty error.
struct ParsedTurn {
    std::optional<Turn> turn;
    std::string error;
};
ParsedTurn parse_turn(const std::string& line);

/// The invocation of `turn` from `caller` (token already resolved into caller.token).
testing::InvocationBuilder build_invocation(const Turn& turn, const Caller& caller);

/// The skill id a --dev-token is made for: --skill-id, else the URL path's last segment
/// (/v1/hello -> hello).
std::string dev_token_skill(const Options& options);

extern const char* const usage;

}  // namespace skill::invoke
