// load_settings: defaults, every key, and the exact shape of every validation error.
#include "ini_settings.hpp"
#include "settings.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

using skill::Config;
using skill::ConfigError;
using skill::runtime::load_settings;
using skill::runtime::Settings;
using namespace std::chrono_literals;

namespace {

using skill::test::ini::error_of;
using skill::test::ini::fake_env;
using skill::test::ini::load;

}  // namespace

TEST_CASE("an empty config gives the documented defaults") {
    const auto s = load("");
    CHECK(s.skill.name == "hello");
    CHECK(s.skill.id == "hello");
    CHECK(s.skill.version == "1");
    CHECK(s.skill.api_base == "/v1/hello");
    CHECK(s.skill.locales == std::vector<std::string>{"de"});
    CHECK_FALSE(s.skill.debug);
    CHECK(s.skill.auth == Settings::Skill::Auth::none);
    CHECK(s.skill.api_key.empty());
    CHECK(s.skill.max_request_size == 1024 * 1024);
    CHECK(s.skill.timeout == 5s);
    CHECK_FALSE(s.skill.unavailable_text.empty());
    CHECK(s.http.host == "0.0.0.0");
    CHECK(s.http.port == 4242);
    CHECK(s.http.threads >= 1);
    CHECK(s.http.max_header_size == 8 * 1024);
    CHECK(s.http.max_connections == 10'000);
    CHECK(s.http.max_requests_per_connection == 0);
    CHECK(s.http.read_timeout == 10s);
    CHECK(s.http.idle_timeout == 60s);
    CHECK(s.http.write_timeout == 10s);
    CHECK(s.http.drain_timeout == 30s);
    CHECK(s.persistence.url == "http://service-persistence-service:1555");
    CHECK(s.persistence.timeout == 2s);
    CHECK(s.persistence.timeout < s.skill.timeout);  // a hung service gets the apology, not a 504
    CHECK(s.persistence.active);
    CHECK(s.circuit_breakers.threshold == 5);
    CHECK(s.circuit_breakers.timeout == 30s);
    CHECK(s.log.level == skill::log::Level::info);
    CHECK(s.log.format == skill::log::Format::json);
}

TEST_CASE("every key is parsed") {
    const auto s = load(
        "[skill]\n"
        "name = weather\n id = weather-skill\n version = 2.1\n api_base = /api/weather/\n"
        "locales = de, en ,fr\n debug = yes\n auth = basic\n api_key = k3y\n"
        "max_request_size = 64k\n timeout = 2500ms\n unavailable_text = \"Nope.\"\n"
        "[http]\n"
        "host = 127.0.0.1\n port = 0\n threads = 3\n max_header_size = 16k\n"
        "max_connections = 100\n max_requests_per_connection = 50\n read_timeout = 1.5\n"
        "idle_timeout = 2m\n write_timeout = 3s\n drain_timeout = 0\n"
        "[service-persistence]\n"
        "url = http://db:1555\n timeout = 0.5\n active = off\n"
        "[circuit_breakers]\n"
        "threshold = 3\n timeout = 45s\n"
        "[log]\n"
        "level = WARN\n format = human\n");
    CHECK(s.skill.name == "weather");
    CHECK(s.skill.id == "weather-skill");
    CHECK(s.skill.version == "2.1");
    CHECK(s.skill.api_base == "/api/weather");
    CHECK(s.skill.locales == std::vector<std::string>{"de", "en", "fr"});
    CHECK(s.skill.debug);
    CHECK(s.skill.auth == Settings::Skill::Auth::basic);
    CHECK(s.skill.api_key == "k3y");
    CHECK(s.skill.max_request_size == 64 * 1024);
    CHECK(s.skill.timeout == 2500ms);
    CHECK(s.skill.unavailable_text == "Nope.");
    CHECK(s.http.host == "127.0.0.1");
    CHECK(s.http.port == 0);
    CHECK(s.http.threads == 3);
    CHECK(s.http.max_header_size == 16 * 1024);
    CHECK(s.http.max_connections == 100);
    CHECK(s.http.max_requests_per_connection == 50);
    CHECK(s.http.read_timeout == 1500ms);
    CHECK(s.http.idle_timeout == 2min);
    CHECK(s.http.write_timeout == 3s);
    CHECK(s.http.drain_timeout == 0ms);
    CHECK(s.persistence.url == "http://db:1555");
    CHECK(s.persistence.timeout == 500ms);
    CHECK_FALSE(s.persistence.active);
    CHECK(s.circuit_breakers.threshold == 3);
    CHECK(s.circuit_breakers.timeout == 45s);
    CHECK(s.log.level == skill::log::Level::warning);
    CHECK(s.log.format == skill::log::Format::human);
}

TEST_CASE("environment overrides reach the settings, even for absent keys") {
    const auto s = load("[http]\nport = 4242\n",
                        {{"HTTP_PORT", "9000"}, {"LOG_LEVEL", "debug"},
                         {"SERVICE_PERSISTENCE_URL", "http://env:1"}});
    CHECK(s.http.port == 9000);
    CHECK(s.log.level == skill::log::Level::debug);
    CHECK(s.persistence.url == "http://env:1");
}

TEST_CASE("invalid values give '[section] key = 'value': reason'") {
    using Catch::StartsWith;
    const std::map<std::string, std::string> cases{
        {"[http]\nport = abc", "[http] port = 'abc': expected an integer 0..65535"},
        {"[http]\nport = 65536", "[http] port = '65536': expected an integer 0..65535"},
        {"[http]\nport = -1", "[http] port = '-1': expected an integer 0..65535"},
        {"[http]\nport = 80x", "[http] port = '80x': expected an integer 0..65535"},
        {"[http]\nthreads = many", "[http] threads = 'many': expected an integer 0..1024"},
        {"[http]\nhost = \"\"", "[http] host = '': must not be empty"},
        {"[http]\nmax_header_size = 0", "[http] max_header_size = '0': expected a size"},
        {"[http]\nmax_connections = 0", "[http] max_connections = '0': expected an integer"},
        {"[http]\nmax_requests_per_connection = x",
         "[http] max_requests_per_connection = 'x': expected an integer"},
        {"[http]\nread_timeout = soon", "[http] read_timeout = 'soon': expected a duration"},
        {"[http]\nidle_timeout = 0", "[http] idle_timeout = '0': expected a duration > 0"},
        {"[http]\nwrite_timeout = -1s", "[http] write_timeout = '-1s': expected a duration"},
        {"[http]\ndrain_timeout = 5h", "[http] drain_timeout = '5h': expected a duration"},
        {"[skill]\nname = a b", "[skill] name = 'a b': expected a non-empty name"},
        {"[skill]\nname = \"\"", "[skill] name = '': expected a non-empty name"},
        {"[skill]\napi_base = v1/x", "[skill] api_base = 'v1/x': expected a path starting"},
        {"[skill]\nlocales = ,", "[skill] locales = ',': expected a comma-separated list"},
        {"[skill]\ndebug = maybe", "[skill] debug = 'maybe': expected true/false"},
        {"[skill]\nauth = digest", "[skill] auth = 'digest': expected none or basic"},
        {"[skill]\nmax_request_size = 1G", "[skill] max_request_size = '1G': expected a size"},
        {"[skill]\nmax_request_size = 0", "[skill] max_request_size = '0': expected a size"},
        {"[skill]\ntimeout = nan", "[skill] timeout = 'nan': expected a duration"},
        {"[skill]\nversion = \"\"", "[skill] version = '': must not be empty"},
        {"[service-persistence]\nurl = ftp://x", "[service-persistence] url = 'ftp://x': "
                                                 "expected http://host[:port][/path] or https://"},
        {"[service-persistence]\nurl = https://", "[service-persistence] url = 'https://': expected"},
        {"[tls]\nca_file = ", "[tls] ca_file = '': must not be empty"},
        {"[tls]\nverify = off", "[tls] verify: unknown key"},
        {"[service-persistence]\nactive = 2", "[service-persistence] active = '2': expected"},
        {"[service-persistence]\ntimeout = 1d", "[service-persistence] timeout = '1d': expected"},
        {"[circuit_breakers]\nthreshold = 0", "[circuit_breakers] threshold = '0': expected an "
                                              "integer >= 1"},
        {"[circuit_breakers]\ntimeout = x", "[circuit_breakers] timeout = 'x': expected"},
        {"[log]\nlevel = loud", "[log] level = 'loud': expected debug, info, warning, error or "
                                "off"},
        {"[log]\nformat = xml", "[log] format = 'xml': expected json or human"},
    };
    for (const auto& [ini, message] : cases) {
        INFO(ini);
        CHECK_THAT(error_of(ini), StartsWith(message));
    }
}

TEST_CASE("the port error message is exactly as documented") {
    CHECK(error_of("[http]\nport = abc") == "[http] port = 'abc': expected an integer 0..65535");
}

TEST_CASE("an unknown key in a framework section is a typo") {
    CHECK(error_of("[http]\nprot = 80") == "[http] prot: unknown key");
    CHECK(error_of("[skill]\nnmae = x") == "[skill] nmae: unknown key");
    CHECK(error_of("[service-persistence]\nurl_ = x") == "[service-persistence] url_: unknown key");
    CHECK(error_of("[circuit_breakers]\nthreshhold = 1") ==
          "[circuit_breakers] threshhold: unknown key");
    CHECK(error_of("[log]\nlvl = info") == "[log] lvl: unknown key");
}

TEST_CASE("the skill's own sections are left alone") {
    const auto config = Config::parse("[weather]\napi = x\nwhatever = 1\n", fake_env());
    CHECK_NOTHROW(load_settings(config));
}

TEST_CASE("auth = basic needs an api_key, and the key is never echoed") {
    CHECK(error_of("[skill]\nauth = basic") == "[skill] auth = 'basic': api_key must be set");
    CHECK(error_of("[skill]\nauth = basic\napi_key = \"\"") ==
          "[skill] auth = 'basic': api_key must be set");
    // An error elsewhere must not leak a configured key either.
    const auto message = error_of("[skill]\nauth = basic\napi_key = sup3r-s3cret\nnmae = x");
    CHECK(message == "[skill] nmae: unknown key");
    CHECK(message.find("sup3r") == std::string::npos);
}

TEST_CASE("durations: seconds by default, ms/s/m suffixes, fractions") {
    const auto timeout = [](const std::string& v) {
        return load("[skill]\ntimeout = " + v).skill.timeout;
    };
    CHECK(timeout("3") == 3s);
    CHECK(timeout("0.5") == 500ms);
    CHECK(timeout("250ms") == 250ms);
    CHECK(timeout("10s") == 10s);
    CHECK(timeout("1.5s") == 1500ms);
    CHECK(timeout("2m") == 2min);
    CHECK(timeout("0.25m") == 15s);
    CHECK(timeout("100 ms") == 100ms);
}

TEST_CASE("sizes: bytes, k/K, m/M") {
    const auto size = [](const std::string& v) {
        return load("[skill]\nmax_request_size = " + v).skill.max_request_size;
    };
    CHECK(size("1000") == 1000);
    CHECK(size("2k") == 2048);
    CHECK(size("2K") == 2048);
    CHECK(size("1M") == 1024 * 1024);
    CHECK(size("3m") == 3 * 1024 * 1024);
    CHECK_THROWS_AS(size("k"), ConfigError);
    CHECK_THROWS_AS(size("1.5M"), ConfigError);
}

TEST_CASE("booleans: true/false, yes/no, on/off, 1/0, any case") {
    const auto debug = [](const std::string& v) {
        return load("[skill]\ndebug = " + v).skill.debug;
    };
    for (const auto* v : {"true", "TRUE", "yes", "on", "1", "On"}) CHECK(debug(v));
    for (const auto* v : {"false", "no", "off", "0", "No"}) CHECK_FALSE(debug(v));
}

TEST_CASE("threads = 0 resolves to the hardware concurrency, at least 1") {
    const auto s = load("[http]\nthreads = 0\n");
    CHECK(s.http.threads >= 1);
    CHECK(s.http.threads == std::max(1u, std::thread::hardware_concurrency()));
}

TEST_CASE("id and api_base default from the name; api_base is normalised") {
    const auto s = load("[skill]\nname = weather\n");
    CHECK(s.skill.id == "weather");
    CHECK(s.skill.api_base == "/v1/weather");
    CHECK(load("[skill]\nname = w\nid = \"\"\napi_base = \"\"").skill.api_base == "/v1/w");
    CHECK(load("[skill]\nname = w\nid = \"\"").skill.id == "w");
    CHECK(load("[skill]\napi_base = /x///").skill.api_base == "/x");
}

// Found by tests/fuzz/fuzz_config: "/" normalised to "", so every invocation got a 404.
TEST_CASE("api_base '/' alone is refused at start-up") {
    CHECK(error_of("[skill]\napi_base = /") ==
          "[skill] api_base = '/': expected a path starting with '/', other than '/' alone");
    CHECK(error_of("[skill]\napi_base = ///").find("other than '/' alone") != std::string::npos);
}

TEST_CASE("config/skill.conf loads and validates") {
    const char* source = std::getenv("SKILL_SOURCE_DIR");
    REQUIRE(source != nullptr);
    // Only the file is under test here, not the developer's environment.
    const auto config = Config::load(std::string(source) + "/config/skill.conf", fake_env());
    const auto s = load_settings(config);
    CHECK(s.skill.name == "hello");
    CHECK(s.skill.id == "hello");
    CHECK(s.skill.api_base == "/v1/hello");
    CHECK(s.skill.locales == std::vector<std::string>{"de", "en"});
    CHECK(s.http.port == 4242);
    CHECK(s.persistence.url == "http://127.0.0.1:1555");
    CHECK(s.log.level == skill::log::Level::info);
}

TEST_CASE("[skill] max_json_depth: default 32, 1..1024") {
    CHECK(load("").skill.max_json_depth == 32);
    CHECK(load("[skill]\nmax_json_depth = 8\n").skill.max_json_depth == 8);
    CHECK(load("", {{"SKILL_MAX_JSON_DEPTH", "1024"}}).skill.max_json_depth == 1024);
    CHECK(error_of("[skill]\nmax_json_depth = 0\n") ==
          "[skill] max_json_depth = '0': expected an integer 1..1024");
    CHECK(error_of("[skill]\nmax_json_depth = 1025\n") ==
          "[skill] max_json_depth = '1025': expected an integer 1..1024");
}

TEST_CASE("[skill] timezone and the skill's own sections (ctx.config())") {
    CHECK(load("").skill.timezone == "UTC");
    CHECK(load("[skill]\ntimezone = Europe/Berlin\n").skill.timezone == "Europe/Berlin");
    CHECK(error_of("[skill]\ntimezone = Europe/Atlantis") ==
          "[skill] timezone = 'Europe/Atlantis': expected an IANA time zone the system's tzdata "
          "knows, e.g. Europe/Berlin");
    const auto s = load("[skill]\nid = s\n[http]\nport = 1\n[log]\nlevel = info\n[pizza]\nmax = 5\n"
                        "[partner.maps]\nurl = http://maps\n[partnership]\nkind = gold\n",
                        {{"SKILL_API_KEY", "secret"}});
    CHECK(s.skill_config.get("pizza", "max") == "5");
    CHECK(s.skill_config.get("partnership", "kind") == "gold");  // not a [partner.NAME] section
    for (const char* section : {"skill", "http", "service-persistence", "tls", "circuit_breakers", "i18n", "log", "partner.maps"})
        CHECK(s.skill_config.sections().count(section) == 0);
    CHECK(s.skill_config.get("skill", "api_key") == std::nullopt);
    CHECK(s.skill_config.get("http", "port") == std::nullopt);
    CHECK(s.skill_config.get("partner.maps", "url") == std::nullopt);
}

TEST_CASE("[i18n]: the catalogs' place, domain and strictness") {
    const auto defaults = load("[skill]\nname = shop\n");
    CHECK(defaults.i18n.dir.empty());  // <exe dir>/locale, else <exe dir>/../share/locale
    CHECK(defaults.i18n.domain == "shop");
    CHECK_FALSE(defaults.i18n.strict);
    CHECK_FALSE(defaults.skill.locales_given);
    const auto s = load("[skill]\nlocales = en, de\n[i18n]\ndir = /srv/locale\ndomain = texts\nstrict = yes\n");
    CHECK(s.i18n.dir == "/srv/locale");
    CHECK(s.i18n.domain == "texts");
    CHECK(s.i18n.strict);
    CHECK(s.skill.locales_given);
    CHECK(error_of("[i18n]\ndomain = ../x/y\n").find("[i18n] domain") != std::string::npos);
    CHECK(error_of("[i18n]\nstrict = maybe\n").find("[i18n] strict") != std::string::npos);
    CHECK(error_of("[i18n]\nlanguage = de\n") == "[i18n] language: unknown key");
}
