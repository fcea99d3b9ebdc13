#include "options.hpp"

#include <charconv>
#include <map>

namespace skill::invoke {

const char* const usage =
    "usage: skill-invoke URL INTENT [SLOT=VALUE ...] [options]\n"
    "       skill-invoke --probe URL\n"
    "  SLOT=VALUE        a slot value; repeat a slot for several values\n"
    "  --token T         the cvi token (e.g. persistence-stub --dev-token USER SKILL)\n"
    "  --locale L        default de\n"
    "  --skill-id ID     context.skillId\n"
    "  --session ID      send a session with this id\n"
    "  --attr K=V        a session attribute (repeatable; implies a session)\n"
    "  --new             the session is new (default: continuing)\n"
    "  --api-key KEY     HTTP Basic auth as user cvi ([skill] auth = basic)\n"
    "  --timeout S       seconds to wait for the answer (default 10)\n"
    "  --raw             print the body as received instead of indented\n"
    "  --probe URL       GET URL; exit 0 when it answers 200 (container health checks)\n"
    "exit status: 0 a response, 1 an error response (non-200 or error body),\n"
    "             2 bad usage, 3 no answer (connection refused, timeout)\n";

namespace {

struct Split {
    std::string key, value;
};

std::optional<Split> split_pair(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    return Split{text.substr(0, eq), text.substr(eq + 1)};
}

std::optional<std::chrono::milliseconds> seconds(const std::string& text) {
    double s = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
    if (ec != std::errc{} || end != text.data() + text.size() || s <= 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

/// State collected while reading flags, turned into Options at the end.
struct Collected {
    std::vector<std::string> positional;
    std::vector<Split> slots;
    std::map<std::string, std::string> attributes;
    std::optional<std::string> token, locale, skill_id, session;
    bool is_new = false;
};

Parsed finish(Options options, Collected c) {
    if (options.probe) {
        if (c.positional.size() != 1) return {std::nullopt, "--probe takes exactly one URL"};
        options.url = c.positional[0];
        return {std::move(options), {}};
    }
    if (c.positional.size() != 2) return {std::nullopt, "expected URL and INTENT"};
    options.url = c.positional[0];
    testing::InvocationBuilder b(c.positional[1]);
    for (auto& s : c.slots) b.slot(s.key, s.value);
    b.token(c.token.value_or("skill-invoke"));
    if (c.locale) b.locale(*c.locale);
    if (c.skill_id) b.skill_id(*c.skill_id);
    if (c.session || !c.attributes.empty() || c.is_new)
        b.session(c.session.value_or("skill-invoke"), std::move(c.attributes), c.is_new);
    options.invocation = std::move(b);
    return {std::move(options), {}};
}

}  // namespace

Parsed parse_options(const std::vector<std::string>& args) {
    Options options;
    Collected c;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        auto value = [&] { return args[++i]; };
        if (a == "--probe") options.probe = true;
        else if (a == "--raw") options.raw = true;
        else if (a == "--new") c.is_new = true;
        else if (a == "--token" && has_value) c.token = value();
        else if (a == "--locale" && has_value) c.locale = value();
        else if (a == "--skill-id" && has_value) c.skill_id = value();
        else if (a == "--session" && has_value) c.session = value();
        else if (a == "--api-key" && has_value) options.basic_auth = "cvi:" + value();
        else if (a == "--attr" && has_value) {
            auto kv = split_pair(value());
            if (!kv) return {std::nullopt, "--attr needs KEY=VALUE"};
            c.attributes[kv->key] = kv->value;
        } else if (a == "--timeout" && has_value) {
            auto t = seconds(value());
            if (!t) return {std::nullopt, "--timeout needs a positive number of seconds"};
            options.timeout = *t;
        } else if (a.starts_with("--")) {
            return {std::nullopt, "unknown or incomplete option " + a};
        } else if (c.positional.size() >= 2) {
            auto kv = split_pair(a);
            if (!kv) return {std::nullopt, "expected SLOT=VALUE, got " + a};
            c.slots.push_back(std::move(*kv));
        } else {
            c.positional.push_back(a);
        }
    }
    return finish(std::move(options), std::move(c));
}

}  // namespace skill::invoke
