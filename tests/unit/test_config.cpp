// skill::Config: INI parsing, quotes, ${ENV:default} interpolation, SECTION_KEY overrides.
#include <skill/config.hpp>

#include "ini_settings.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

using skill::Config;
using skill::ConfigError;

namespace {

// A fake environment, so tests never depend on (or touch) the process's.
using skill::test::ini::fake_env;

const Config::Getenv no_env = fake_env({});

}  // namespace

TEST_CASE("INI sections and keys are parsed, values trimmed") {
    const auto config = Config::parse(
        "; a comment\n"
        "# another comment\n"
        "[skill]\n"
        "name =   hello  \n"
        "[http]\n"
        "port=4242\n",
        no_env);
    CHECK(config.get("skill", "name") == "hello");
    CHECK(config.get("http", "port") == "4242");
    CHECK_FALSE(config.get("http", "host"));
    CHECK_FALSE(config.get("nosuch", "key"));
    CHECK(config.get_or("http", "host", "0.0.0.0") == "0.0.0.0");
    CHECK(config.get_or("http", "port", "1") == "4242");
    REQUIRE(config.sections().size() == 2);
    CHECK(config.sections().at("skill").at("name") == "hello");
}

TEST_CASE("surrounding double quotes are stripped, inner ones kept") {
    const auto config = Config::parse(
        "[skill]\n"
        "text = \"  Sorry, try again.  \"\n"
        "inner = say \"hi\" now\n"
        "lone = \"\n",
        no_env);
    CHECK(config.get("skill", "text") == "  Sorry, try again.  ");
    CHECK(config.get("skill", "inner") == "say \"hi\" now");
    CHECK(config.get("skill", "lone") == "\"");
}

TEST_CASE("a value may contain '=' and ':'") {
    const auto config = Config::parse("[a]\nurl = http://h:1/x?y=z\n", no_env);
    CHECK(config.get("a", "url") == "http://h:1/x?y=z");
}

TEST_CASE("${NAME:default} interpolation") {
    const auto text =
        "[service-persistence]\n"
        "url = ${PERSISTENCE_HOST:http://127.0.0.1:1555}\n"
        "[other]\n"
        "plain = ${UNSET_VAR}\n"
        "mixed = a-${A:x}-b-${B:y}-c\n"
        "quoted = \"${A:def}\"\n"
        "empty_default = [${UNSET_VAR:}]\n";

    SECTION("unset variables give the default, or nothing without one") {
        const auto config = Config::parse(text, no_env);
        CHECK(config.get("service-persistence", "url") == "http://127.0.0.1:1555");
        CHECK(config.get("other", "plain") == "");
        CHECK(config.get("other", "mixed") == "a-x-b-y-c");
        CHECK(config.get("other", "quoted") == "def");
        CHECK(config.get("other", "empty_default") == "[]");
    }
    SECTION("set variables win over the default") {
        const auto config = Config::parse(
            text, fake_env({{"PERSISTENCE_HOST", "http://db:9"}, {"A", "1"}, {"B", "2"}}));
        CHECK(config.get("service-persistence", "url") == "http://db:9");
        CHECK(config.get("other", "mixed") == "a-1-b-2-c");
        CHECK(config.get("other", "quoted") == "1");
    }
    SECTION("a variable set to the empty string is used as such") {
        const auto config = Config::parse(text, fake_env({{"A", ""}}));
        CHECK(config.get("other", "mixed") == "a--b-y-c");
    }
}

TEST_CASE("an unterminated ${ names section, key and value") {
    try {
        (void)Config::parse("[http]\nhost = ${HOST:localhost\n", no_env);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        CHECK(what.find("[http] host = '${HOST:localhost'") != std::string::npos);
        CHECK(what.find("unterminated") != std::string::npos);
    }
}

TEST_CASE("an unterminated ${ in a secret does not echo it") {
    try {
        (void)Config::parse("[skill]\napi_key = s3cr3t-${X\n", no_env);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
        CHECK(std::string(e.what()).find("[skill] api_key = '***'") != std::string::npos);
    }
}

TEST_CASE("SECTION_KEY environment variables override file values") {
    const auto env = fake_env({{"HTTP_PORT", "8080"},
                               {"SERVICE_PERSISTENCE_URL", "http://env:1"},
                               {"LOG_LEVEL", "debug"}});
    const auto config = Config::parse(
        "[http]\nport = 4242\nhost = 0.0.0.0\n[service-persistence]\nurl = http://file:1\n", env);

    SECTION("present keys, through get() and sections()") {
        CHECK(config.get("http", "port") == "8080");
        CHECK(config.get("http", "host") == "0.0.0.0");
        CHECK(config.get("service-persistence", "url") == "http://env:1");
        CHECK(config.sections().at("http").at("port") == "8080");
    }
    SECTION("absent keys and sections") {
        CHECK(config.get("log", "level") == "debug");
        CHECK(config.get_or("log", "level", "info") == "debug");
        CHECK_FALSE(config.get("log", "format"));
        CHECK(config.sections().count("log") == 0);
    }
}

TEST_CASE("set() wins over the environment") {
    auto config = Config::parse("[http]\nport = 1\n", fake_env({{"HTTP_PORT", "2"}}));
    config.set("http", "port", "3");
    config.set("log", "level", "error");
    CHECK(config.get("http", "port") == "3");
    CHECK(config.get("log", "level") == "error");
}

TEST_CASE("a default-constructed Config sees no environment") {
    Config config;
    CHECK_FALSE(config.get("path", "x"));
    config.set("a", "b", "c");
    CHECK(config.get("a", "b") == "c");
}

TEST_CASE("env_name: upper case, '-' and '.' become '_'") {
    CHECK(Config::env_name("service-persistence", "url") == "SERVICE_PERSISTENCE_URL");
    CHECK(Config::env_name("http", "port") == "HTTP_PORT");
    CHECK(Config::env_name("log", "level") == "LOG_LEVEL");
    CHECK(Config::env_name("circuit_breakers", "threshold") == "CIRCUIT_BREAKERS_THRESHOLD");
    CHECK(Config::env_name("my.section", "some-key") == "MY_SECTION_SOME_KEY");
}

TEST_CASE("load() of a missing file names the path and the reason") {
    try {
        (void)Config::load("/nonexistent/dir/skill.conf", no_env);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        CHECK(what.find("cannot read config file /nonexistent/dir/skill.conf: ") == 0);
        CHECK(what.find("No such file") != std::string::npos);
    }
}

TEST_CASE("load() of a directory is an error naming it") {
    const auto dir = std::filesystem::temp_directory_path();
    try {
        (void)Config::load(dir.string(), no_env);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) == "config file " + dir.string() + " is not a regular file");
    }
}

TEST_CASE("parse errors carry the line number") {
    try {
        (void)Config::parse("[skill]\nname = hello\nthis line has no equals sign\n", no_env);
        FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("line 3") != std::string::npos);
    }
}

TEST_CASE("duplicate keys are a parse error with the line number") {
    CHECK_THROWS_WITH(Config::parse("[a]\nx = 1\nx = 2\n", no_env),
                      Catch::Contains("line 3"));
}

TEST_CASE("keys before the first section are rejected") {
    CHECK_THROWS_AS(Config::parse("orphan = 1\n[a]\nx = 1\n", no_env), ConfigError);
}

TEST_CASE("an empty text is an empty config") {
    CHECK(Config::parse("", no_env).sections().empty());
}

TEST_CASE("typed get<T>: converts, or names section, key and value") {
    auto config = skill::Config::parse("[pizza]\nmax = 5\nsizes = yes\nprice = 7.5\nwait = PT2M\n"
                                       "bad = many\napi_token = abc\n",
                                       no_env);
    CHECK(config.get<int>("pizza", "max") == 5);
    CHECK(config.get<bool>("pizza", "sizes") == true);
    CHECK(config.get<double>("pizza", "price") == 7.5);
    CHECK(config.get<skill::Duration>("pizza", "wait") == std::chrono::minutes(2));
    CHECK(config.get<int>("pizza", "absent") == std::nullopt);
    CHECK(config.get_or<int>("pizza", "absent", 3) == 3);
    CHECK(config.get_or("pizza", "absent", std::string("text")) == "text");  // the string overload
    CHECK_THROWS_WITH(config.get<int>("pizza", "bad"), "[pizza] bad = 'many': expected an integer");
    CHECK_THROWS_WITH(config.get_or<bool>("pizza", "bad", false), "[pizza] bad = 'many': expected a boolean");
    CHECK_THROWS_WITH(config.get<int>("pizza", "api_token"), "[pizza] api_token = '***': expected an integer");
}

TEST_CASE("without(): hidden sections answer nothing, not even from the environment") {
    auto env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "SKILL_API_KEY" || name == "PIZZA_EXTRA") return "from-env";
        return std::nullopt;
    };
    auto config = skill::Config::parse("[skill]\nid = s\n[pizza]\nmax = 5\n[partner.x]\nurl = http://x\n", env);
    auto own = config.without([](std::string_view s) { return s == "skill" || s.starts_with("partner."); });
    CHECK(own.get("skill", "id") == std::nullopt);
    CHECK(own.get("skill", "api_key") == std::nullopt);  // the environment is not asked
    CHECK(own.get("partner.x", "url") == std::nullopt);
    CHECK(own.get("pizza", "max") == "5");
    CHECK(own.get("pizza", "extra") == "from-env");  // the skill's own keys keep the environment
    CHECK(own.sections().size() == 1);
    CHECK(own.sections().count("pizza") == 1);
    CHECK(config.get("skill", "id") == "s");  // the original is unchanged
}
