// Observability end to end: GET /prometheus after real traffic, trace ids
// passed on to the persistence service, traceId/spanId on every log line of an
// invocation, and per-request debug logs (X-User-Debug-Log: 1).
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <skill/skill.hpp>

#include "engine_impl.hpp"
#include "exposition_parser.hpp"
#include "fault_server.hpp"
#include "loopback_settings.hpp"
#include "stderr_capture.hpp"
#include "test_http.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

Task<Response> echo(Context& ctx) {
    log::info("test-skill", "handler ran", {{"traceId", ctx.trace_id()}});
    co_return tell("hi");
}
Task<Response> persist(Context& ctx) {
    auto data = co_await ctx.persistence().get();
    co_return tell(data["name"].value_or("nobody"));
}

const IntentRegistry& registry() {
    static IntentRegistry r = [] {
        IntentRegistry r;
        r.add("ECHO", echo);
        r.add("PERSIST", persist);
        return r;
    }();
    return r;
}

runtime::Settings settings(const std::string& persistence_url) {
    auto s = test::loopback_settings();
    s.skill.timeout = 2s;
    s.persistence.active = true;
    s.persistence.url = persistence_url;
    s.persistence.timeout = 1s;
    return s;
}

/// The skill in process, its persistence service a FaultServer answering `{"name":"Anna"}`.
struct Rig {
    test::FaultServer persistence;
    Engine app;
    std::uint16_t port;
    explicit Rig(log::Level level = log::Level::off)
        : app((log::configure(level, log::Format::json), runtime::make_engine(settings(persistence.url()), registry()))),
          port(app.start()) {
        persistence.set_answer(200, R"({"name":"Anna"})");
    }
    ~Rig() { log::configure(log::Level::off, log::Format::json); }
    test::RawResponse invoke(const std::string& intent, std::string_view headers = {}) {
        std::string body = R"({"context":{"intent":")" + intent +
                           R"(","locale":"de","tokens":{"cvi":"tok-SECRET-0123456789"}}})";
        return test::http_request(port, "POST", "/v1/test", body, headers);
    }
    test::Exposition scrape() {
        auto r = test::http_request(port, "GET", "/prometheus");
        REQUIRE(r.status == 200);
        CHECK(r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
        return test::Exposition(r.body);
    }
};

const std::string trace_id = "0123456789abcdef0123456789abcdef";
const std::string b3 = "X-B3-TraceId: " + trace_id + "\r\nX-B3-SpanId: 1111111111111111\r\n";

std::string field(const json::object& line, std::string_view key) {
    auto* v = line.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

TEST_CASE("GET /prometheus counts requests by route, status and intent") {
    Rig rig;
    for (int i = 0; i < 3; ++i) REQUIRE(rig.invoke("ECHO").status == 200);
    REQUIRE(rig.invoke("NO_SUCH_INTENT").status == 404);
    REQUIRE(rig.invoke("PERSIST").body.find("Anna") != std::string::npos);
    REQUIRE(test::http_request(rig.port, "GET", "/k8s/liveness").status == 200);
    REQUIRE(test::http_request(rig.port, "GET", "/a/scanner/path").status == 404);

    auto e = rig.scrape();
    e.check_histograms();
    CHECK(
        e.value("http_server_requests_seconds_count",
                {{"method", "POST"}, {"uri", "/v1/test"}, {"status", "200"}, {"intent", "ECHO"}}) ==
        3);
    // An unregistered intent never becomes a label value of its own.
    CHECK(e.value("http_server_requests_seconds_count",
                  {{"status", "404"}, {"intent", "unknown"}}) == 1);
    CHECK(e.find("http_server_requests_seconds_count", {{"intent", "NO_SUCH_INTENT"}}).empty());
    CHECK(e.value("http_server_requests_seconds_count", {{"uri", "/k8s/liveness"}}) == 1);
    CHECK(e.value("http_server_requests_seconds_count", {{"uri", "other"}}) == 1);
    CHECK(e.value("http_partner_request_count",
                  {{"partner", "persistence"}, {"operation", "get"}, {"status", "200"}}) == 1);
    CHECK(e.value("http_requests_latency_seconds_count", {{"operation", "get"}}) == 1);
    CHECK(e.value("http_server_requests_in_progress") == 1);  // the scrape itself
    CHECK(e.value("http_server_connections_open") >= 1);
    CHECK(e.value("skill_circuit_breakers_open") == 0);
    CHECK(e.value("skill_unavailable_answers_total") == 0);

    // The first scrape is counted by the second.
    CHECK(rig.scrape().value("http_server_requests_seconds_count", {{"uri", "/prometheus"}}) == 1);
}

TEST_CASE("a failing persistence call is counted by its failure kind, the apology too") {
    Rig rig;
    rig.persistence.set_answer(503, "{}");
    auto r = rig.invoke("PERSIST");
    CHECK(r.status == 200);
    auto e = rig.scrape();
    CHECK(e.value("http_partner_request_count", {{"status", "server_error"}}) == 1);
    CHECK(e.value("skill_unavailable_answers_total") == 1);
}

TEST_CASE("trace context is passed on to every persistence call") {
    Rig rig;
    SECTION("B3 in: same trace, our span, the caller's span as parent") {
        auto r = rig.invoke("PERSIST", b3 + "X-B3-Sampled: 1\r\n");
        REQUIRE(r.status == 200);
        auto sent = rig.persistence.requests();
        REQUIRE(sent.size() == 1);
        CHECK(std::string(sent[0]["X-B3-TraceId"]) == trace_id);
        CHECK(std::string(sent[0]["X-B3-ParentSpanId"]) == "1111111111111111");
        CHECK(std::string(sent[0]["X-B3-SpanId"]).size() == 16);
        CHECK(std::string(sent[0]["X-B3-Sampled"]) == "1");
        CHECK(std::string(sent[0]["traceparent"]).find(trace_id) == 3);
    }
    SECTION("W3C traceparent in") {
        auto r = rig.invoke("PERSIST", "traceparent: 00-" + trace_id + "-2222222222222222-01\r\n");
        REQUIRE(r.status == 200);
        auto sent = rig.persistence.requests();
        REQUIRE(sent.size() == 1);
        CHECK(std::string(sent[0]["X-B3-TraceId"]) == trace_id);
        CHECK(std::string(sent[0]["X-B3-ParentSpanId"]) == "2222222222222222");
        std::string parent(sent[0]["traceparent"]);
        CHECK(parent.substr(0, 36) == "00-" + trace_id + "-");
        CHECK(parent.substr(52) == "-01");
    }
    SECTION("none in: one is made, answered and passed on") {
        auto r = rig.invoke("PERSIST");
        REQUIRE(r.status == 200);
        auto sent = rig.persistence.requests();
        REQUIRE(sent.size() == 1);
        CHECK(r.header("x-b3-traceid").size() == 32);
        CHECK(std::string(sent[0]["X-B3-TraceId"]) == r.header("x-b3-traceid"));
    }
}

TEST_CASE("every log line of an invocation carries its traceId and spanId") {
    test::StderrCapture capture;
    Rig rig(log::Level::info);
    rig.persistence.set_answer(500, "{}");
    auto r = rig.invoke("PERSIST", b3);
    CHECK(r.status == 200);  // the apology
    rig.app.drain();
    rig.app.wait();

    std::vector<json::object> mine;
    for (auto& line : capture.json_lines())
        if (field(line, "traceId") == trace_id) mine.push_back(line);
    REQUIRE(mine.size() >= 2);  // the persistence failure and the request line
    bool persistence_line = false, request_line = false;
    std::string span = field(mine.front(), "spanId");
    CHECK(span.size() == 16);
    for (auto& line : mine) {
        CHECK(field(line, "spanId") == span);
        persistence_line |= field(line, "logger") == "persistence";
        request_line |= field(line, "logger") == "http" && field(line, "level") == "ERROR";
    }
    CHECK(persistence_line);
    CHECK(request_line);
    for (auto& line : capture.lines()) CHECK(line.find("SECRET") == std::string::npos);
}

TEST_CASE("X-User-Debug-Log: 1 writes that request's debug lines at level info") {
    test::StderrCapture capture;
    Rig rig(log::Level::info);
    REQUIRE(rig.invoke("ECHO", "X-B3-TraceId: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n").status == 200);
    REQUIRE(rig.invoke("ECHO", b3 + "X-User-Debug-Log: 1\r\n").status == 200);
    rig.app.drain();
    rig.app.wait();

    int debug_lines = 0;
    for (auto& line : capture.json_lines()) {
        if (field(line, "level") != "DEBUG") continue;
        ++debug_lines;
        CHECK(field(line, "traceId") == trace_id);  // only the request that asked
        CHECK(field(line, "spanId").size() == 16);
    }
    CHECK(debug_lines >= 2);  // received, parsed, finished
    // The handler's own line carries the trace id it got from the context.
    bool handler_line = false;
    for (auto& line : capture.json_lines())
        handler_line |= field(line, "logger") == "test-skill" && field(line, "traceId") == trace_id;
    CHECK(handler_line);
}

TEST_CASE("LOG_FORMAT human: the same fields, one line per event") {
    test::StderrCapture capture;
    Rig rig(log::Level::info);
    log::configure(log::Level::info, log::Format::human);
    REQUIRE(rig.invoke("ECHO", b3).status == 200);
    rig.app.drain();
    rig.app.wait();
    bool found = false;
    for (auto& line : capture.lines())
        found |= line.find(" INFO  http: invocation ") != std::string::npos &&
                 line.find("traceId=" + trace_id) != std::string::npos;
    CHECK(found);
}

TEST_CASE("a query string is never logged: request lines show the path only") {
    test::StderrCapture capture;
    const std::string body =
        R"({"context":{"intent":"ECHO","locale":"de","tokens":{"cvi":"tok-SECRET-0123456789"}}})";
    const std::string target = "/v1/test?access_token=QUERY-SECRET-42&x=1";
    {
        Rig rig(log::Level::debug);  // "invocation received" and the request line
        CHECK(test::http_request(rig.port, "POST", target, body, b3).status == 200);
        rig.app.drain();
        rig.app.wait();
    }
    {
        test::FaultServer persistence;
        auto s = settings(persistence.url());
        s.skill.auth = runtime::Settings::Skill::Auth::basic;
        s.skill.api_key = "the-key";
        log::configure(log::Level::info, log::Format::json);
        Engine app = runtime::make_engine(std::move(s), registry());
        const auto port = app.start();
        CHECK(test::http_request(port, "POST", target, body, b3).status == 401);  // "access denied"
        app.drain();
        app.wait();
        log::configure(log::Level::off, log::Format::json);
    }
    std::set<std::string> messages;
    for (auto& line : capture.json_lines()) {
        if (line.contains("path")) {
            CHECK(field(line, "path") == "/v1/test");
            messages.insert(field(line, "message"));
        }
    }
    CHECK(messages.count("invocation received") == 1);
    CHECK(messages.count("invocation") == 1);
    CHECK(messages.count("access denied") == 1);
    for (auto& line : capture.lines()) {
        INFO(line);
        CHECK(line.find("QUERY-SECRET") == std::string::npos);
        CHECK(line.find("access_token") == std::string::npos);
    }
}
