// Partner client, without a network: [partner.NAME] settings and their errors, the checks
// every path and header passes before it may reach the wire, and percent_encode.
#include "ini_settings.hpp"
#include "run_io.hpp"
#include "settings.hpp"

#include <skill/context.hpp>
#include <skill/partner.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace skill;
using namespace std::chrono_literals;

namespace {

using skill::test::ini::error_of;
using skill::test::ini::fake_env;
using skill::test::ini::load;

// The code of the PartnerError `f` throws, or nullopt.
template <class F>
std::optional<PartnerErrc> refused(F f) {
    try {
        f();
    } catch (const PartnerError& e) {
        return e.code();
    }
    return std::nullopt;
}

std::optional<PartnerErrc> target(std::string_view path) {
    return refused([&] { check_partner_target("weather", path); });
}

std::optional<PartnerErrc> header(std::string name, std::string value) {
    PartnerHeaders headers{{std::move(name), std::move(value)}};
    return refused([&] { check_partner_headers("weather", headers); });
}

/// A transport that records what reaches it (nothing, for refused calls).
struct Recorder final : PartnerTransport {
    int calls = 0;
    bool has(std::string_view partner) const noexcept override { return partner == "weather"; }
    Task<PartnerResponse> call(Call) override {
        ++calls;
        co_return PartnerResponse{200, Document(), "{}"};
    }
};

}  // namespace

TEST_CASE("[partner.NAME] sections declare partners, breaker defaults from [circuit_breakers]") {
    auto s = load(
        "[circuit_breakers]\nthreshold = 7\ntimeout = 9s\n"
        "[partner.weather]\nurl = https://api.weather.example/v2\ntimeout = 800ms\n"
        "[partner.sports-api]\nurl = http://127.0.0.1:8080\nbreaker_threshold = 2\nbreaker_timeout = 1s\n"
        "[weather]\nmy_key = x\n");  // the skill's own section: not a partner
    REQUIRE(s.partners.size() == 2);
    const auto& sports = s.partners[0];  // name order
    const auto& weather = s.partners[1];
    CHECK(weather.name == "weather");
    CHECK(weather.url == "https://api.weather.example/v2");
    CHECK(weather.timeout == 800ms);
    CHECK(weather.breaker_threshold == 7);
    CHECK(weather.breaker_timeout == 9s);
    CHECK(sports.name == "sports-api");
    CHECK(sports.timeout == 2s);  // the default, below [skill] timeout
    CHECK(sports.breaker_threshold == 2);
    CHECK(sports.breaker_timeout == 1s);
    CHECK(load("").partners.empty());
}

TEST_CASE("partner keys are overridden by the environment like every key") {
    auto s = load("[partner.weather]\nurl = http://localhost:1\n",
                  {{"PARTNER_WEATHER_URL", "https://weather.internal:8443/api"},
                   {"PARTNER_WEATHER_TIMEOUT", "1.5"}});
    REQUIRE(s.partners.size() == 1);
    CHECK(s.partners[0].url == "https://weather.internal:8443/api");
    CHECK(s.partners[0].timeout == 1500ms);
}

TEST_CASE("partner configuration errors name section, key and value") {
    CHECK(error_of("[partner.weather]\ntimeout = 1s\n") ==
          "[partner.weather] url: missing (the partner's base URL)");
    CHECK(error_of("[partner.weather]\nurl = ftp://x\n") ==
          "[partner.weather] url = 'ftp://x': expected http(s)://host[:port][/path], without query, "
          "fragment or credentials");
    CHECK(error_of("[partner.weather]\nurl = https://h/p?key=1\n").starts_with(
        "[partner.weather] url = 'https://h/p?key=1': expected"));
    CHECK(error_of("[partner.weather]\nurl = https://user:pw@h/\n").starts_with(
        "[partner.weather] url = 'https://user:pw@h/': expected"));
    CHECK(error_of("[partner.weather]\nurl = http://h\nprot = 1\n") == "[partner.weather] prot: unknown key");
    CHECK(error_of("[partner.weather]\nurl = http://h\ntimeout = soon\n") ==
          "[partner.weather] timeout = 'soon': expected a duration > 0 such as 250ms, 10s, 2m or 0.5 (seconds)");
    CHECK(error_of("[partner.weather]\nurl = http://h\nbreaker_threshold = 0\n") ==
          "[partner.weather] breaker_threshold = '0': expected an integer >= 1");
    CHECK(error_of("[partner.Weather]\nurl = http://h\n") ==
          "[partner.Weather]: a partner name is 1..64 of a-z, 0-9, '-', '_'");
    CHECK(error_of("[partner.]\nurl = http://h\n") == "[partner.]: a partner name is 1..64 of a-z, 0-9, '-', '_'");
    CHECK(error_of("[partner.persistence]\nurl = http://h\n") ==
          "[partner.persistence]: the name 'persistence' is taken");
}

TEST_CASE("paths: relative origin-form only, visible ASCII, no way out of the base path") {
    CHECK_FALSE(target("/"));
    CHECK_FALSE(target("/current?city=Berlin&units=metric"));
    CHECK_FALSE(target("/v1/teams/FC%20Bayern/games?from=2026-01-01"));
    CHECK_FALSE(target("/a/.well-known/x?next=../y"));  // dots in a query or a name are fine

    for (std::string_view bad : std::initializer_list<std::string_view>{"", "current", "http://evil.example/x", "//evil.example/x", "/a b", "/a\r\nHost: evil",
          "/a\nX: y", std::string_view("/a\0b", 4), "/a\tb", "/caf\xc3\xa9", "/a\x7f", "/a#frag",
          "/a\\..\\admin", "/a/../admin", "/..", "/a/./b", "/a/%2e%2E/admin", "/a/.%2e/x",
          "/%zz", "/a%2"}) {
        INFO(std::string(bad));
        CHECK(target(bad) == PartnerErrc::invalid_request);
    }
    CHECK(target("/" + std::string(9000, 'a')) == PartnerErrc::invalid_request);
}

TEST_CASE("headers: token names, no control bytes in values, framing fields are the client's") {
    CHECK_FALSE(header("X-Api-Key", "abc123=="));
    CHECK_FALSE(header("Authorization", "Bearer x.y.z"));
    CHECK_FALSE(header("Accept-Language", "de-DE, en;q=0.5\tx"));
    for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"X-Key", "a\r\nX-Injected: 1"}, {"X-Key", "a\nb"}, {"X-Key", "a\rb"},
             {"X-Key", std::string("a\0b", 3)}, {"X-Key", "a\x7f"}, {"X Key", "v"},
             {"X-Key:", "v"}, {"", "v"}, {"X-K\xc3\xa9y", "v"}, {"Host", "evil.example"},
             {"content-length", "0"}, {"Transfer-Encoding", "chunked"}, {"Connection", "close"},
             {"X-Key", std::string(9000, 'v')}}) {
        INFO(name);
        CHECK(header(name, value) == PartnerErrc::invalid_request);
    }
}

TEST_CASE("a refused path or header never reaches the transport; the message holds no value") {
    Recorder transport;
    PartnerSession session(&transport, {});
    Context ctx(Invocation{}, nullptr, {}, &session);
    boost::asio::io_context io;
    auto run = [&](Task<PartnerResponse> task) { return skill::test::run(io, std::move(task)); };
    CHECK(run(ctx.partner("weather").get("/ok")).status == 200);
    CHECK(transport.calls == 1);
    try {
        run(ctx.partner("weather").get("/x?apikey=secret\r\nX: y"));
        FAIL("not refused");
    } catch (const PartnerError& e) {
        CHECK(e.code() == PartnerErrc::invalid_request);
        CHECK(e.partner() == "weather");
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
    try {
        PartnerHeaders headers{{"X-Api-Key", "secret\nInjected: 1"}};
        run(ctx.partner("weather").get("/ok", std::move(headers)));
        FAIL("not refused");
    } catch (const PartnerError& e) {
        CHECK(e.code() == PartnerErrc::invalid_request);
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
    CHECK(transport.calls == 1);
    CHECK(refused([&] { (void)ctx.partner("sports"); }) == PartnerErrc::unknown_partner);
    Context no_partners(Invocation{});
    CHECK(refused([&] { (void)no_partners.partner("weather"); }) == PartnerErrc::unknown_partner);
}

TEST_CASE("percent_encode keeps unreserved characters only") {
    CHECK(percent_encode("Berlin") == "Berlin");
    CHECK(percent_encode("São Paulo") == "S%C3%A3o%20Paulo");
    CHECK(percent_encode("a&b=c/d?e#f%") == "a%26b%3Dc%2Fd%3Fe%23f%25");
    CHECK(percent_encode("-._~") == "-._~");
    CHECK_FALSE(target("/current?city=" + percent_encode("São Paulo\r\n")));
}
