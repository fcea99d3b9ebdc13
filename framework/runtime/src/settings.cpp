// skill.conf -> Settings: every framework key parsed and validated once at start-up,
// errors shaped "[section] key = 'value': reason" (docs/configuration.md).
#include "settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <skill/ascii.hpp>
#include <skill/net/http_client.hpp>
#include <skill/partner_http.hpp>
#include <skill/persistence_http.hpp>
#include <skill/time.hpp>
#include <thread>

namespace skill::runtime {
namespace {

using std::chrono::milliseconds;

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// One [section] of the config, read key by key; knows how to blame a value.
class Section {
  public:
    Section(const Config& config, std::string name) : config_(config), name_(std::move(name)) {}

    std::optional<std::string> raw(std::string_view key) const { return config_.get(name_, key); }

    [[noreturn]] void fail(std::string_view key, std::string_view value,
                           std::string_view reason) const {
        // Secrets never reach an error message (start-up logs are widely readable).
        const bool secret = key == "api_key";
        throw ConfigError("[" + name_ + "] " + std::string(key) + " = '" +
                          (secret ? std::string("***") : std::string(value)) +
                          "': " + std::string(reason));
    }

    // Calls parse(value) when the key is set; a nullopt result is reported as `reason`.
    template <class T, class Parse>
    void read(std::string_view key, T& target, Parse parse, std::string_view reason) const {
        const auto value = raw(key);
        if (!value) return;
        if (auto parsed = parse(trim(*value)))
            target = std::move(*parsed);
        else
            fail(key, *value, reason);
    }

    const std::string& name() const { return name_; }

  private:
    const Config& config_;
    std::string name_;
};

template <class T>
std::optional<T> parse_unsigned(std::string_view s, T min, T max) {
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

auto integer(std::uint64_t min, std::uint64_t max) {
    return [=](std::string_view s) { return parse_unsigned<std::uint64_t>(s, min, max); };
}

// "1048576", "512k", "1M" (binary multiples).
std::optional<std::size_t> parse_size(std::string_view s) {
    std::uint64_t factor = 1;
    if (!s.empty() && (s.back() == 'k' || s.back() == 'K'))
        factor = 1024;
    else if (!s.empty() && (s.back() == 'm' || s.back() == 'M'))
        factor = 1024 * 1024;
    if (factor != 1) s.remove_suffix(1);
    const auto limit = std::numeric_limits<std::uint32_t>::max() / factor;
    const auto n = parse_unsigned<std::uint64_t>(trim(s), 1, limit);
    if (!n) return std::nullopt;
    return static_cast<std::size_t>(*n * factor);
}

// "250ms", "10s", "2m", or a plain number of seconds ("0.5").
std::optional<milliseconds> parse_duration(std::string_view s, bool allow_zero) {
    double factor = 1000.0;
    if (s.ends_with("ms")) {
        factor = 1.0;
        s.remove_suffix(2);
    } else if (s.ends_with("s")) {
        s.remove_suffix(1);
    } else if (s.ends_with("m")) {
        factor = 60'000.0;
        s.remove_suffix(1);
    }
    s = trim(s);
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    const double ms = std::round(value * factor);
    // Upper bound: a week, far beyond any sensible timeout, and no overflow.
    if (!std::isfinite(ms) || ms < 0 || ms > 7 * 24 * 3600 * 1000.0) return std::nullopt;
    if (ms == 0 && !allow_zero) return std::nullopt;
    return milliseconds{static_cast<milliseconds::rep>(ms)};
}

auto duration(bool allow_zero = false) {
    return [=](std::string_view s) { return parse_duration(s, allow_zero); };
}
constexpr std::string_view duration_reason =
    "expected a duration > 0 such as 250ms, 10s, 2m or 0.5 (seconds)";
constexpr std::string_view duration_or_zero_reason =
    "expected a duration >= 0 such as 250ms, 10s, 2m or 0.5 (seconds)";

std::optional<bool> parse_bool(std::string_view s) {
    const auto v = ascii::to_lower(s);
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    return std::nullopt;
}
constexpr std::string_view bool_reason = "expected true/false, yes/no, on/off or 1/0";

std::optional<std::string> non_empty(std::string_view s) {
    if (s.empty()) return std::nullopt;
    return std::string(s);
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

std::optional<std::string> parse_name(std::string_view s) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), is_name_char)) return std::nullopt;
    return std::string(s);
}

std::optional<std::vector<std::string>> parse_locales(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const auto comma = s.find(',');
        const auto item = trim(s.substr(0, comma));
        if (!item.empty()) {
            if (!std::all_of(item.begin(), item.end(), is_name_char)) return std::nullopt;
            out.emplace_back(item);
        }
        s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    }
    if (out.empty()) return std::nullopt;
    return out;
}

// Must start with '/'; trailing '/' stripped so routes can append "/invoke".
// "/" alone would strip to "", a path no request has: every invocation a 404.
std::optional<std::string> parse_api_base(std::string_view s) {
    if (s.empty() || s.front() != '/') return std::nullopt;
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    return std::string(s);
}

std::optional<Settings::Skill::Auth> parse_auth(std::string_view s) {
    const auto v = ascii::to_lower(s);
    if (v == "none") return Settings::Skill::Auth::none;
    if (v == "basic") return Settings::Skill::Auth::basic;
    return std::nullopt;
}

// What the persistence client will connect to, checked as it will read it.
std::optional<std::string> parse_service_url(std::string_view s) {
    if (!net::Url::parse(normalize_persistence_url(std::string(s)))) return std::nullopt;
    return std::string(s);
}

void check_known_keys(const Config& config, const std::string& section,
                      std::initializer_list<std::string_view> known) {
    const auto& all = config.sections();
    const auto it = all.find(section);
    if (it == all.end()) return;
    for (const auto& [key, value] : it->second) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            throw ConfigError("[" + section + "] " + key + ": unknown key");
        }
    }
}

void load_skill(const Config& config, Settings::Skill& s) {
    check_known_keys(
        config, "skill",
        {"name", "id", "version", "api_base", "locales", "debug", "auth", "api_key",
         "max_request_size", "timeout", "unavailable_text", "max_json_depth", "timezone"});
    const Section sec(config, "skill");
    sec.read("name", s.name, parse_name,
             "expected a non-empty name of letters, digits, '-', '_' or '.'");
    s.id = s.name;
    s.api_base = "/v1/" + s.name;
    // An empty id / api_base means "the default".
    if (const auto id = sec.raw("id"); id && !trim(*id).empty()) {
        sec.read("id", s.id, parse_name, "expected a name of letters, digits, '-', '_' or '.'");
    }
    if (const auto base = sec.raw("api_base"); base && !trim(*base).empty()) {
        sec.read("api_base", s.api_base, parse_api_base,
                 "expected a path starting with '/', other than '/' alone");
    }
    sec.read("version", s.version, non_empty, "must not be empty");
    sec.read("locales", s.locales, parse_locales,
             "expected a comma-separated list of locales, e.g. de, en");
    s.locales_given = sec.raw("locales").has_value();
    sec.read("debug", s.debug, parse_bool, bool_reason);
    sec.read("auth", s.auth, parse_auth, "expected none or basic");
    sec.read(
        "api_key", s.api_key, [](std::string_view v) { return std::optional(std::string(v)); }, "");
    sec.read("max_request_size", s.max_request_size, parse_size,
             "expected a size in bytes > 0, e.g. 1048576, 512k or 1M");
    sec.read("timeout", s.timeout, duration(), duration_reason);
    std::uint64_t depth = s.max_json_depth;
    sec.read("max_json_depth", depth, integer(1, 1024), "expected an integer 1..1024");
    s.max_json_depth = static_cast<std::size_t>(depth);
    sec.read("unavailable_text", s.unavailable_text, non_empty, "must not be empty");
    sec.read(
        "timezone", s.timezone,
        [](std::string_view v) -> std::optional<std::string> {
            if (!known_timezone(v)) return std::nullopt;
            return std::string(v);
        },
        "expected an IANA time zone the system's tzdata knows, e.g. Europe/Berlin");
    if (s.auth == Settings::Skill::Auth::basic && s.api_key.empty()) {
        sec.fail("auth", sec.raw("auth").value_or("basic"), "api_key must be set");
    }
}

void load_http(const Config& config, Settings::Http& h) {
    check_known_keys(config, "http",
                     {"host", "port", "threads", "max_header_size", "max_connections",
                      "max_requests_per_connection", "read_timeout", "idle_timeout",
                      "write_timeout", "drain_timeout"});
    const Section sec(config, "http");
    sec.read("host", h.host, non_empty, "must not be empty");
    std::uint64_t port = h.port;
    sec.read("port", port, integer(0, 65535), "expected an integer 0..65535");
    h.port = static_cast<std::uint16_t>(port);
    std::uint64_t threads = h.threads;
    sec.read("threads", threads, integer(0, 1024),
             "expected an integer 0..1024 (0 = hardware concurrency)");
    h.threads = static_cast<unsigned>(threads);
    if (h.threads == 0) h.threads = std::max(1u, std::thread::hardware_concurrency());
    sec.read("max_header_size", h.max_header_size, parse_size,
             "expected a size in bytes > 0, e.g. 8192 or 8k");
    std::uint64_t count = h.max_connections;
    sec.read("max_connections", count, integer(1, 10'000'000), "expected an integer 1..10000000");
    h.max_connections = static_cast<std::size_t>(count);
    count = h.max_requests_per_connection;
    sec.read("max_requests_per_connection", count,
             integer(0, std::numeric_limits<std::uint32_t>::max()),
             "expected an integer >= 0 (0 = unlimited)");
    h.max_requests_per_connection = static_cast<std::size_t>(count);
    sec.read("read_timeout", h.read_timeout, duration(), duration_reason);
    sec.read("idle_timeout", h.idle_timeout, duration(), duration_reason);
    sec.read("write_timeout", h.write_timeout, duration(), duration_reason);
    sec.read("drain_timeout", h.drain_timeout, duration(true), duration_or_zero_reason);
}

void load_persistence(const Config& config, Settings::Persistence& p) {
    check_known_keys(config, "service-persistence", {"url", "timeout", "active"});
    const Section sec(config, "service-persistence");
    sec.read("url", p.url, parse_service_url,
             "expected http://host[:port][/path] or https://host[:port][/path]");
    sec.read("timeout", p.timeout, duration(), duration_reason);
    sec.read("active", p.active, parse_bool, bool_reason);
}

void load_tls(const Config& config, Settings::Tls& t) {
    check_known_keys(config, "tls", {"ca_file"});
    const Section sec(config, "tls");
    sec.read("ca_file", t.ca_file, non_empty, "must not be empty");
}

void load_circuit_breakers(const Config& config, Settings::CircuitBreaker& c) {
    check_known_keys(config, "circuit_breakers", {"threshold", "timeout"});
    const Section sec(config, "circuit_breakers");
    std::uint64_t threshold = c.threshold;
    sec.read("threshold", threshold, integer(1, 1'000'000), "expected an integer >= 1");
    c.threshold = static_cast<unsigned>(threshold);
    sec.read("timeout", c.timeout, duration(), duration_reason);
}

void load_i18n(const Config& config, const Settings::Skill& skill, Settings::I18n& i) {
    check_known_keys(config, "i18n", {"dir", "domain", "strict"});
    const Section sec(config, "i18n");
    sec.read("dir", i.dir, non_empty, "must not be empty");
    i.domain = skill.name;
    sec.read("domain", i.domain, parse_name,
             "expected a catalog name of letters, digits, '-', '_' or '.'");
    sec.read("strict", i.strict, parse_bool, bool_reason);
}

void load_log(const Config& config, Settings::Log& l) {
    check_known_keys(config, "log", {"level", "format"});
    const Section sec(config, "log");
    sec.read("level", l.level, log::parse_level, "expected debug, info, warning, error or off");
    sec.read("format", l.format, log::parse_format, "expected json or human");
}

// [partner.NAME]: one per partner API; the breaker defaults to [circuit_breakers].
void load_partners(const Config& config, const Settings::CircuitBreaker& breakers,
                   std::vector<Settings::Partner>& partners) {
    constexpr std::string_view prefix = "partner.";
    for (const auto& entry : config.sections()) {
        const std::string& section = entry.first;
        if (!section.starts_with(prefix)) continue;
        Settings::Partner p;
        p.name = section.substr(prefix.size());
        const auto name_ok = [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        };
        if (p.name.empty() || p.name.size() > 64 ||
            !std::all_of(p.name.begin(), p.name.end(), name_ok))
            throw ConfigError("[" + section + "]: a partner name is 1..64 of a-z, 0-9, '-', '_'");
        if (p.name == "persistence")  // the metric label of the persistence client's calls
            throw ConfigError("[" + section + "]: the name 'persistence' is taken");
        check_known_keys(config, section,
                         {"url", "timeout", "breaker_threshold", "breaker_timeout"});
        const Section sec(config, section);
        if (!sec.raw("url"))
            throw ConfigError("[" + section + "] url: missing (the partner's base URL)");
        sec.read(
            "url", p.url,
            [](std::string_view v) -> std::optional<std::string> {
                if (!parse_partner_url(v)) return std::nullopt;
                return std::string(v);
            },
            "expected http(s)://host[:port][/path], without query, fragment or credentials");
        sec.read("timeout", p.timeout, duration(), duration_reason);
        std::uint64_t threshold = breakers.threshold;
        sec.read("breaker_threshold", threshold, integer(1, 1'000'000), "expected an integer >= 1");
        p.breaker_threshold = static_cast<unsigned>(threshold);
        p.breaker_timeout = breakers.timeout;
        sec.read("breaker_timeout", p.breaker_timeout, duration(), duration_reason);
        partners.push_back(std::move(p));
    }
}

}  // namespace

bool framework_section(std::string_view name) noexcept {
    for (std::string_view own :
         {"skill", "http", "service-persistence", "tls", "circuit_breakers", "i18n", "log"})
        if (name == own) return true;
    return name.starts_with("partner.");
}

Settings load_settings(const Config& config) {
    Settings settings;
    load_skill(config, settings.skill);
    load_http(config, settings.http);
    load_persistence(config, settings.persistence);
    load_tls(config, settings.tls);
    load_circuit_breakers(config, settings.circuit_breakers);
    load_i18n(config, settings.skill, settings.i18n);
    load_log(config, settings.log);
    load_partners(config, settings.circuit_breakers, settings.partners);
    settings.skill_config = config.without(framework_section);
    return settings;
}

}  // namespace skill::runtime
