#include "options.hpp"

#include <charconv>
#include <map>

namespace skill::invoke {

const char* const usage =
    "usage: skill-invoke URL INTENT [SLOT=VALUE ...] [options]\n"
    "       skill-invoke URL --dialogue [options]     turns from stdin: INTENT [SLOT=VALUE ...]\n"
    "       skill-invoke --probe URL\n"
    "  SLOT=VALUE        a slot value; repeat a slot for several values\n"
    "  --token T         the cvi token (default: none is sent)\n"
    "  --dev-token USER  a development token for USER from the local persistence-stub\n"
    "                    (for the skill id of --skill-id, else the URL's last path segment)\n"
    "  --locale L        default de\n"
    "  --skill-id ID     context.skillId\n"
    "  --session ID      send a session with this id\n"
    "  --attr K=V        a session attribute (repeatable; implies a session)\n"
    "  --new             the session is new (default: continuing)\n"
    "  --dialogue        one session over the turns read from stdin: the session attributes\n"
    "                    each answer sets go with the next turn, as the platform does\n"
    "  --api-key KEY     HTTP Basic auth as user cvi ([skill] auth = basic)\n"
    "  --timeout S       seconds to wait for the answer (default 10)\n"
    "  --raw             print the body as received instead of indented\n"
    "  --probe URL       GET URL; exit 0 when it answers 200 (container health checks)\n"
    "  --help            this text\n"
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

/// INTENT then SLOT=VALUE words into a Turn.
ParsedTurn turn_of(const std::vector<std::string>& words) {
    Turn turn{words.at(0), {}};
    for (std::size_t i = 1; i < words.size(); ++i) {
        auto kv = split_pair(words[i]);
        if (!kv) return {std::nullopt, "expected SLOT=VALUE, got " + words[i]};
        turn.slots.emplace_back(std::move(kv->key), std::move(kv->value));
    }
    return {std::move(turn), {}};
}

Parsed finish(Options options, std::vector<std::string> positional) {
    if (options.help) return {std::move(options), {}};
    if (options.probe) {
        if (positional.size() != 1) return {std::nullopt, "--probe takes exactly one URL"};
        options.url = positional[0];
        return {std::move(options), {}};
    }
    if (options.dialogue) {
        if (positional.size() != 1)
            return {std::nullopt, "--dialogue takes the URL only; turns come from stdin"};
        if (options.session || !options.attributes.empty() || options.is_new)
            return {std::nullopt,
                    "--dialogue keeps its own session: no --session, --attr or --new"};
        options.url = positional[0];
        return {std::move(options), {}};
    }
    if (positional.size() < 2) return {std::nullopt, "expected URL and INTENT"};
    if (options.caller.token && !options.caller.dev_user.empty())
        return {std::nullopt, "--token and --dev-token exclude each other"};
    options.url = positional[0];
    auto turn = turn_of({positional.begin() + 1, positional.end()});
    if (!turn.turn) return {std::nullopt, turn.error};
    options.turn = std::move(turn.turn);
    return {std::move(options), {}};
}

}  // namespace

Parsed parse_options(const std::vector<std::string>& args) {
    Options options;
    std::vector<std::string> positional;
    Caller& c = options.caller;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        auto value = [&] { return args[++i]; };
        if (a == "--help" || a == "-h")
            options.help = true;
        else if (a == "--probe")
            options.probe = true;
        else if (a == "--dialogue")
            options.dialogue = true;
        else if (a == "--raw")
            options.raw = true;
        else if (a == "--new")
            options.is_new = true;
        else if (a == "--token" && has_value)
            c.token = value();
        else if (a == "--dev-token" && has_value)
            c.dev_user = value();
        else if (a == "--locale" && has_value)
            c.locale = value();
        else if (a == "--skill-id" && has_value)
            c.skill_id = value();
        else if (a == "--session" && has_value)
            options.session = value();
        else if (a == "--api-key" && has_value)
            options.basic_auth = "cvi:" + value();
        else if (a == "--attr" && has_value) {
            auto kv = split_pair(value());
            if (!kv) return {std::nullopt, "--attr needs KEY=VALUE"};
            options.attributes[kv->key] = kv->value;
        } else if (a == "--timeout" && has_value) {
            auto t = seconds(value());
            if (!t) return {std::nullopt, "--timeout needs a positive number of seconds"};
            options.timeout = *t;
        } else if (a.starts_with("--")) {
            return {std::nullopt, "unknown or incomplete option " + a};
        } else {
            positional.push_back(a);
        }
    }
    if (c.token && !c.dev_user.empty())
        return {std::nullopt, "--token and --dev-token exclude each other"};
    return finish(std::move(options), std::move(positional));
}

ParsedTurn parse_turn(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, quoted = false;
    for (char ch : line) {
        if (ch == '"') {
            quoted = !quoted;
            in_word = true;
        } else if (!quoted && (ch == ' ' || ch == '\t' || ch == '\r')) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += ch;
            in_word = true;
        }
    }
    if (quoted) return {std::nullopt, "unterminated \" in: " + line};
    if (in_word) words.push_back(std::move(word));
    if (words.empty() || words[0].starts_with("#")) return {std::nullopt, {}};
    return turn_of(words);
}

testing::InvocationBuilder build_invocation(const Turn& turn, const Caller& caller) {
    testing::InvocationBuilder b(turn.intent);
    for (const auto& [slot, value] : turn.slots) b.slot(slot, value);
    if (caller.token)
        b.token(*caller.token);
    else
        b.no_token();
    if (caller.locale) b.locale(*caller.locale);
    if (caller.skill_id) b.skill_id(*caller.skill_id);
    return b;
}

std::string dev_token_skill(const Options& options) {
    if (options.caller.skill_id) return *options.caller.skill_id;
    std::string_view path = options.url;
    if (auto scheme = path.find("://"); scheme != std::string_view::npos)
        path.remove_prefix(scheme + 3);
    path = path.substr(std::min(path.find('/'), path.size()));
    path = path.substr(0, path.find_first_of("?#"));
    while (path.ends_with('/')) path.remove_suffix(1);
    return std::string(path.substr(path.rfind('/') + 1));
}

}  // namespace skill::invoke
