// The skill runtime end to end over real HTTP: endpoints, every error row of
// protocol.md §4, auth, session attributes, deadline, drain.
#include <catch2/catch.hpp>
#include <skill/skill.hpp>

#include "engine_impl.hpp"
#include "loopback_settings.hpp"
#include "test_http.hpp"

#include <skill/sleep.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <future>

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

Task<Response> echo(Context& ctx) {
    auto name = ctx.slot("name").value_or("nobody");
    ctx.session_attributes()["seen"] = name;
    co_return tell("hi " + name).with_session("turn", "1");
}
Task<Response> number(Context& ctx) {
    auto n = ctx.slot<int>("n");
    co_return tell(std::to_string(n.value_or(-1)));
}
Task<Response> fails(Context&) {
    throw std::runtime_error("secret internal detail");
    co_return tell("unreachable");
}
Task<Response> bad_token(Context&) {
    throw InvalidTokenError("token expired");
    co_return tell("unreachable");
}
Task<Response> slow(Context& ctx) {
    auto waiting = sleep_for(std::chrono::milliseconds(ctx.slot<int>("ms").value_or(100)));
    co_await std::move(waiting);
    co_return ask("done");
}
Task<Response> persist(Context& ctx) {
    auto data = co_await ctx.persistence().get();  // persistence inactive here
    co_return tell(data["x"].value_or("none"));
}

const IntentRegistry& registry(bool with_fallback) {
    static IntentRegistry plain = [] {
        IntentRegistry r;
        r.add("ECHO", echo);
        r.add("NUMBER", number);
        r.add("FAILS", fails);
        r.add("BAD_TOKEN", bad_token);
        r.add("SLOW", slow);
        r.add("PERSIST", persist);
        return r;
    }();
    static IntentRegistry fallback = [] {
        IntentRegistry r = plain;
        r.add("FALLBACK_INTENT", echo);
        return r;
    }();
    return with_fallback ? fallback : plain;
}

runtime::Settings settings() {
    auto s = test::loopback_settings();
    s.skill.locales = {"de", "en"};
    s.skill.timeout = 500ms;
    s.log.level = log::Level::off;
    return s;
}

struct Server {
    Engine app;
    std::uint16_t port;
    explicit Server(runtime::Settings s = settings(), bool fallback = false)
        : app((log::configure(log::Level::off, log::Format::json), runtime::make_engine(std::move(s), registry(fallback)))),
          port(app.start()) {}
    test::RawResponse invoke(const std::string& body, std::string_view headers = {}) {
        return test::http_request(port, "POST", "/v1/test", body, headers);
    }
};

std::string invocation(std::string intent, std::string attributes = "{}", std::string extra = "") {
    return R"({"context":{"intent":")" + intent + R"(","locale":"de","tokens":{"cvi":"tok-SECRET"},"attributes":)" +
           attributes + R"(},"session":{"id":"s-1","new":false,"attributes":{"k":"v"}},"spiVersion":"1.4.1")" +
           extra + "}";
}

json::value body_of(const test::RawResponse& r) { return json::parse(r.body); }

}  // namespace

TEST_CASE("invoke answers a TELL with slots and session attributes") {
    Server s;
    auto r = s.invoke(invocation("ECHO", R"({"name":["Anna"]})"));
    REQUIRE(r.status == 200);
    REQUIRE(r.header("content-type") == "application/json");
    auto b = body_of(r);
    CHECK(b.at("type") == "TELL");
    CHECK(b.at("text") == "hi Anna");
    // incoming attributes echoed, handler's and response's added
    CHECK(b.at("session").at("attributes") == json::parse(R"({"k":"v","seen":"Anna","turn":"1"})"));
}

TEST_CASE("info, liveness and readiness") {
    Server s;
    auto info = test::http_request(s.port, "GET", "/v1/test/info");
    REQUIRE(info.status == 200);
    CHECK(body_of(info) == json::parse(
        R"({"skillId":"test","skillSpiVersion":"1.4.1","skillVersion":"1","supportedLocales":["de","en"]})"));
    CHECK(test::http_request(s.port, "GET", "/k8s/liveness").status == 200);
    CHECK(test::http_request(s.port, "GET", "/k8s/readiness").status == 200);
}

TEST_CASE("unknown path is 404 JSON, wrong method is 405") {
    Server s;
    auto r = test::http_request(s.port, "GET", "/nope");
    CHECK(r.status == 404);
    CHECK(body_of(r).at("code") == 1);
    auto m = test::http_request(s.port, "GET", "/v1/test");
    CHECK(m.status == 405);
    CHECK(m.header("allow") == "POST");
    CHECK(test::http_request(s.port, "POST", "/k8s/liveness", "{}").status == 405);
}

TEST_CASE("error rows of protocol.md section 4") {
    Server s;
    SECTION("no handler and no fallback: 404 code 1") {
        auto r = s.invoke(invocation("UNKNOWN"));
        CHECK(r.status == 404);
        CHECK(body_of(r).at("code") == 1);
    }
    SECTION("handler reports an invalid token: 400 code 2") {
        auto r = s.invoke(invocation("BAD_TOKEN"));
        CHECK(r.status == 400);
        CHECK(body_of(r).at("code") == 2);
    }
    SECTION("body not JSON: 400 code 3 with detail") {
        auto r = s.invoke("{not json");
        CHECK(r.status == 400);
        CHECK(body_of(r).at("code") == 3);
        CHECK(body_of(r).at("detail").as_string().size() > 0);
    }
    SECTION("missing required field: 400 code 3 naming it") {
        auto r = s.invoke(R"({"context":{"intent":"ECHO","locale":"de"}})");
        CHECK(r.status == 400);
        CHECK(std::string(body_of(r).at("detail").as_string()).find("tokens") != std::string::npos);
    }
    SECTION("a slot that does not convert: 400 code 3 naming the slot") {
        auto r = s.invoke(invocation("NUMBER", R"({"n":["abc"]})"));
        CHECK(r.status == 400);
        CHECK(std::string(body_of(r).at("detail").as_string()).find("'n'") != std::string::npos);
        CHECK(s.invoke(invocation("NUMBER", R"({"n":["42"]})")).body.find("42") != std::string::npos);
    }
    SECTION("handler throws: 500 code 999 without the exception text") {
        auto r = s.invoke(invocation("FAILS"));
        CHECK(r.status == 500);
        CHECK(body_of(r).at("code") == 999);
        CHECK(r.body.find("secret") == std::string::npos);
    }
    SECTION("handler overruns its deadline: 504 code 4") {
        auto r = s.invoke(invocation("SLOW", R"({"ms":["2000"]})"));
        CHECK(r.status == 504);
        CHECK(body_of(r).at("code") == 4);
    }
    SECTION("persistence unavailable and unhandled: 200 TELL apology") {
        auto r = s.invoke(invocation("PERSIST"));
        CHECK(r.status == 200);
        CHECK(body_of(r).at("type") == "TELL");
        CHECK(body_of(r).at("text").as_string() == runtime::Settings{}.skill.unavailable_text);
    }
    SECTION("no token value ever appears in an answer") {
        for (auto* intent : {"UNKNOWN", "FAILS", "BAD_TOKEN", "NUMBER"})
            CHECK(s.invoke(invocation(intent, R"({"n":["x"]})")).body.find("SECRET") == std::string::npos);
    }
    // the server keeps serving after every error
    CHECK(s.invoke(invocation("ECHO")).status == 200);
}

TEST_CASE("debug mode shows the exception text") {
    auto cfg = settings();
    cfg.skill.debug = true;
    Server s(cfg);
    CHECK(s.invoke(invocation("FAILS")).body.find("secret internal detail") != std::string::npos);
}

TEST_CASE("FALLBACK_INTENT answers unknown intents") {
    Server s(settings(), true);
    auto r = s.invoke(invocation("WHATEVER", R"({"name":["Bo"]})"));
    CHECK(r.status == 200);
    CHECK(body_of(r).at("text") == "hi Bo");
}

TEST_CASE("a body over max_request_size gets 413") {
    auto cfg = settings();
    cfg.skill.max_request_size = 1000;
    Server s(cfg);
    std::string big = invocation("ECHO", R"({"name":[")" + std::string(1000, 'x') + R"("]})");
    auto r = s.invoke(big);
    CHECK(r.status == 413);
    CHECK(body_of(r).at("code") == 3);
    CHECK(s.invoke(invocation("ECHO")).status == 200);
}

TEST_CASE("basic auth on invoke and info, constant-time compared") {
    auto cfg = settings();
    cfg.skill.auth = runtime::Settings::Skill::Auth::basic;
    cfg.skill.api_key = "s3cret";
    Server s(cfg);
    auto denied = s.invoke(invocation("ECHO"));
    CHECK(denied.status == 401);
    CHECK(body_of(denied) == json::parse(R"({"text":"Access denied"})"));
    // base64("cvi:s3cret") = Y3ZpOnMzY3JldA==
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Basic Y3ZpOnMzY3JldA==\r\n").status == 200);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Basic Y3ZpOnMzY3JldB==\r\n").status == 401);
    // RFC 9110 §11.1: the scheme name is case-insensitive; the credentials are not.
    CHECK(s.invoke(invocation("ECHO"), "Authorization: basic Y3ZpOnMzY3JldA==\r\n").status == 200);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: BASIC Y3ZpOnMzY3JldA==\r\n").status == 200);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: bAsIc  Y3ZpOnMzY3JldA==\r\n").status == 200);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Basic y3ZpOnMzY3JldA==\r\n").status == 401);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: BasicY3ZpOnMzY3JldA==\r\n").status == 401);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Bearer Y3ZpOnMzY3JldA==\r\n").status == 401);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Basic\r\n").status == 401);
    CHECK(s.invoke(invocation("ECHO"), "Authorization: Y3ZpOnMzY3JldA==\r\n").status == 401);
    CHECK(test::http_request(s.port, "GET", "/v1/test/info").status == 401);
    CHECK(test::http_request(s.port, "GET", "/k8s/liveness").status == 200);  // probes stay open
}

TEST_CASE("keep-alive: many invocations on one connection") {
    Server s;
    test::RawClient c(s.port);
    for (int i = 0; i < 100; ++i) {
        auto r = c.request("POST", "/v1/test", invocation("ECHO", R"({"name":["n)" + std::to_string(i) + R"("]})"));
        REQUIRE(r.status == 200);
        REQUIRE(body_of(r).at("text").as_string() == "hi n" + std::to_string(i));
    }
}

TEST_CASE("drain: readiness turns 503, in-flight invocations finish") {
    Server s;
    std::vector<std::future<test::RawResponse>> flying;
    for (int i = 0; i < 6; ++i)
        flying.push_back(std::async(std::launch::async, [&s] {
            return s.invoke(invocation("SLOW", R"({"ms":["300"]})"));
        }));
    while (s.app.impl().server.open_connections() < 6) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(50ms);
    test::RawClient probe(s.port);  // connected before the drain
    s.app.drain();
    for (auto& f : flying) {
        auto r = f.get();
        CHECK(r.status == 200);
        CHECK(body_of(r).at("text") == "done");
    }
    s.app.wait();
}

TEST_CASE("trace ids: taken from B3, made when absent, returned") {
    Server s;
    auto r = s.invoke(invocation("ECHO"), "X-B3-TraceId: 0123456789abcdef0123456789abcdef\r\n");
    CHECK(r.header("x-b3-traceid") == "0123456789abcdef0123456789abcdef");
    auto w3c = s.invoke(invocation("ECHO"),
                        "traceparent: 00-aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb-cccccccccccccccc-01\r\n");
    CHECK(w3c.header("x-b3-traceid") == "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb");
    auto fresh = s.invoke(invocation("ECHO"));
    CHECK(fresh.header("x-b3-traceid").size() == 32);
}
