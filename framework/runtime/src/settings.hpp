#pragma once
// The framework's own configuration, validated once at start-up from skill.conf
// (see docs/configuration.md for every key, default and environment name).
#include <chrono>
#include <cstdint>
#include <skill/config.hpp>
#include <skill/log.hpp>
#include <string>
#include <vector>

namespace skill::runtime {

struct Settings {
    struct Skill {
        std::string name = "hello";
        std::string id;  // default: name
        std::string version = "1";
        std::string api_base;  // default: /v1/{name}; no trailing '/'
        std::vector<std::string> locales{"de"};  // [skill] locales = de, en; [0]: default language
        bool locales_given = false;  // set in skill.conf: narrows the catalogs served
        bool debug = false;
        enum class Auth { none, basic } auth = Auth::none;
        std::string api_key;
        std::size_t max_request_size = 1024 * 1024;
        std::chrono::milliseconds timeout{5000};  // per-invocation deadline
        std::size_t max_json_depth = 32;          // nesting of the invocation body
        std::string unavailable_text = "Sorry, I can't do that right now. Please try again later.";
        std::string timezone = "UTC";  // IANA zone of users whose invocation names no known one
    } skill;
    struct Http {
        std::string host = "0.0.0.0";
        std::uint16_t port = 4242;
        unsigned threads = 0;  // 0: hardware concurrency
        std::size_t max_header_size = 8 * 1024;
        std::size_t max_connections = 10'000;
        std::size_t max_requests_per_connection = 0;
        std::chrono::milliseconds read_timeout{10'000};
        std::chrono::milliseconds idle_timeout{60'000};
        std::chrono::milliseconds write_timeout{10'000};
        std::chrono::milliseconds drain_timeout{30'000};
    } http;
    struct Persistence {
        std::string url = "http://service-persistence-service:1555";  // or https://
        // Below skill.timeout, so a hung service still gets the apology, not a 504.
        std::chrono::milliseconds timeout{2'000};
        bool active = true;
    } persistence;
    struct Tls {              // outbound https (persistence, partners)
        std::string ca_file;  // PEM bundle trusted besides the system store
    } tls;
    struct CircuitBreaker {
        unsigned threshold = 5;
        std::chrono::milliseconds timeout{30'000};
    } circuit_breakers;
    struct I18n {  // the gettext catalogs (docs/localisation.md)
        std::string dir;      // default: <exe dir>/locale, else <exe dir>/../share/locale
        std::string domain;   // default: [skill] name
        bool strict = false;  // a missing key or argument throws (the test kit's default)
    } i18n;
    struct Log {
        log::Level level = log::Level::info;
        log::Format format = log::Format::json;
    } log;
    struct Partner {       // one [partner.NAME] section: an API handlers call (ctx.partner(name))
        std::string name;  // letters, digits, '-', '_': a metric label
        std::string url;   // http(s)://host[:port][/base/path], required
        std::chrono::milliseconds timeout{2'000};           // per call; below skill.timeout
        unsigned breaker_threshold = 5;                     // default: [circuit_breakers] threshold
        std::chrono::milliseconds breaker_timeout{30'000};  // default: [circuit_breakers] timeout
    };
    std::vector<Partner> partners;  // in name order
    /// The skill's own sections (everything but the framework's): what ctx.config() reads.
    Config skill_config;
};

/// Whether [name] is one of the framework's sections (private to handlers).
bool framework_section(std::string_view name) noexcept;

/// Validate `config` into Settings. Throws ConfigError naming section, key and
/// value for an invalid value or an unknown key in a framework section
/// ([skill], [http], [service-persistence], [tls], [circuit_breakers], [i18n], [log], and every
/// [partner.NAME]); other sections belong to the skill and are left alone.
Settings load_settings(const Config& config);

}  // namespace skill::runtime
