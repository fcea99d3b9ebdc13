// Partner calls end to end: a skill (the real Engine and HTTP server) whose handlers call
// fake partners on ephemeral loopback ports, over http and https. Round trips with trace
// headers passed on, the invocation's deadline bounding a hung partner, the breaker
// opening on 503s only, refused paths and headers never sent, metrics by partner.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <skill/skill.hpp>
#include <thread>

#include "engine_impl.hpp"
#include "fault_server.hpp"
#include "loopback_settings.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"
#include "run_io.hpp"
#include "test_pki.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string apology = runtime::Settings{}.skill.unavailable_text;
constexpr std::string_view trace_id = "463ac35c9f6413ad48485a3953bb6124";

std::string error_text(const PartnerError& e) {
    return "error " + std::string(to_string(e.code())) + " " + std::to_string(e.http_status());
}

// GET /current?city=<slot>, with an API key header: "<status> <temp>" or "error <code> <status>".
Task<Response> weather(Context& ctx) {
    auto city = ctx.slot_or<std::string>("city", "Berlin");
    PartnerHeaders headers{{"X-Api-Key", "k-123"}};
    try {
        // Named, not temporaries inside the co_await (GCC 12).
        auto api = ctx.partner("weather");
        auto path = "/current?city=" + percent_encode(city);
        auto answer = co_await api.get(std::move(path), std::move(headers));
        co_return tell(std::to_string(answer.status) + " " +
                       std::to_string(answer.body["temp"].value_or(-1)));
    } catch (const PartnerError& e) {
        co_return tell(error_text(e));
    }
}

// The same call, not caught: the runtime's answer to an escaped PartnerError.
Task<Response> weather_uncaught(Context& ctx) {
    auto api = ctx.partner("weather");
    auto answer = co_await api.get("/current");
    co_return tell(std::to_string(answer.status));
}

Task<Response> order(Context& ctx) {
    skill::Document item{{"item", "pizza"}, {"count", 2}};
    auto api = ctx.partner("shop");
    auto answer = co_await api.post("/orders", item);
    co_return tell(std::to_string(answer.status) + " " + answer.body["id"].value_or("none"));
}

Task<Response> bad_path(Context& ctx) {
    auto path = "/current?city=" + ctx.slot_or<std::string>("city", "x");  // not encoded
    auto api = ctx.partner("weather");
    auto answer = co_await api.get(path);
    co_return tell(std::to_string(answer.status));
}

Task<Response> bad_header(Context& ctx) {
    PartnerHeaders headers{{"X-Api-Key", "k\r\nX-Injected: 1"}};
    auto api = ctx.partner("weather");
    auto answer = co_await api.get("/current", std::move(headers));
    co_return tell(std::to_string(answer.status));
}

Task<Response> unknown(Context& ctx) {
    auto api = ctx.partner("nope");
    auto answer = co_await api.get("/x");
    co_return tell(std::to_string(answer.status));
}

const IntentRegistry& registry() {
    static IntentRegistry r = [] {
        IntentRegistry r;
        r.add("WEATHER", weather);
        r.add("WEATHER_UNCAUGHT", weather_uncaught);
        r.add("ORDER", order);
        r.add("BAD_PATH", bad_path);
        r.add("BAD_HEADER", bad_header);
        r.add("UNKNOWN", unknown);
        return r;
    }();
    return r;
}

runtime::Settings::Partner partner(std::string name, std::string url,
                                   std::chrono::milliseconds timeout = 2s) {
    return {std::move(name), std::move(url), timeout, 2, 10s};
}

runtime::Settings settings(std::vector<runtime::Settings::Partner> partners) {
    auto s = test::loopback_settings();
    s.skill.timeout = 1s;
    s.skill.debug = true;
    s.partners = std::move(partners);
    return s;
}

struct Skill {
    Engine app;
    std::uint16_t port;
    explicit Skill(runtime::Settings s)
        : app((log::configure(log::Level::off, log::Format::json), runtime::make_engine(std::move(s), registry()))),
          port(app.start()) {}

    test::RawResponse invoke(const std::string& intent, const std::string& city = "Berlin") {
        std::string body = R"({"context":{"intent":")" + intent +
                           R"(","locale":"de","tokens":{},"attributes":{"city":[")" + city + R"("]}}})";
        return test::http_request(port, "POST", "/v1/test", body,
                                  "X-B3-TraceId: " + std::string(trace_id) +
                                      "\r\nX-B3-SpanId: a2fb4a1d1a96d312\r\nX-B3-Sampled: 1\r\n");
    }
    std::string text(const std::string& intent, const std::string& city = "Berlin") {
        auto r = invoke(intent, city);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return std::string(json::parse(r.body).at("text").as_string());
    }
    std::string metrics() const { return app.metrics(); }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// A partner over TLS (the test PKI's certificate) on a loopback port: answers every
/// request 200 {"temp":30}, keep-alive; records the targets.
struct TlsPartner {
    boost::asio::io_context io;
    boost::asio::ssl::context tls{boost::asio::ssl::context::tls_server};
    boost::asio::ip::tcp::acceptor acceptor{io};
    std::thread thread;
    std::mutex mutex;
    std::vector<std::string> targets;

    explicit TlsPartner(const test::CertFiles& cert) {
        tls.use_certificate_chain_file(cert.cert.string());
        tls.use_private_key_file(cert.key.string(), boost::asio::ssl::context::pem);
        acceptor.open(boost::asio::ip::tcp::v4());
        acceptor.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
        acceptor.listen();
        boost::asio::co_spawn(io, accept_loop(), boost::asio::detached);
        thread = std::thread([this] { io.run(); });
    }
    ~TlsPartner() {
        io.stop();
        thread.join();
    }
    std::string url() const {
        return "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
    }
    std::vector<std::string> seen() {
        std::lock_guard lock(mutex);
        return targets;
    }

    boost::asio::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor.async_accept(boost::asio::use_awaitable);
            boost::asio::co_spawn(io, serve(std::move(socket)), boost::asio::detached);
        }
    }
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket) {
        try {
            boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), tls);
            co_await stream.async_handshake(boost::asio::ssl::stream_base::server,
                                            boost::asio::use_awaitable);
            boost::beast::flat_buffer buffer;
            for (;;) {
                net::Request request;
                co_await boost::beast::http::async_read(stream, buffer, request,
                                                        boost::asio::use_awaitable);
                {
                    std::lock_guard lock(mutex);
                    targets.emplace_back(request.target());
                }
                std::string text =
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
                    R"({"temp":30})";
                co_await boost::asio::async_write(stream, boost::asio::buffer(text),
                                                  boost::asio::use_awaitable);
            }
        } catch (const boost::system::system_error&) {
            // handshake refused by the client, or the connection closed
        }
    }
};

using skill::test::timed;

}  // namespace

TEST_CASE("GET and POST round trips: base path, query, JSON bodies, headers and trace passed on") {
    test::FaultServer weather_api;
    weather_api.set_answer(200, R"({"temp":21})");
    test::FaultServer shop_api;
    shop_api.set_answer(201, R"({"id":"o-7"})");
    Skill skill(settings({partner("weather", weather_api.url() + "/v2/"),
                          partner("shop", shop_api.url())}));

    CHECK(skill.text("WEATHER", "São Paulo") == "200 21");
    auto requests = weather_api.requests();
    REQUIRE(requests.size() == 1);
    const auto& get = requests[0];
    CHECK(get.method() == net::http::verb::get);
    CHECK(get.target() == "/v2/current?city=S%C3%A3o%20Paulo");
    CHECK(get["X-Api-Key"] == "k-123");
    CHECK(get["Accept"] == "application/json");
    CHECK(get["X-B3-TraceId"] == trace_id);
    CHECK(get["X-B3-ParentSpanId"] == "a2fb4a1d1a96d312");  // the caller's span is our parent
    CHECK(get["X-B3-Sampled"] == "1");
    CHECK(get["traceparent"].starts_with("00-" + std::string(trace_id) + "-"));

    CHECK(skill.text("ORDER") == "201 o-7");
    requests = shop_api.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method() == net::http::verb::post);
    CHECK(requests[0].target() == "/orders");
    CHECK(requests[0]["Content-Type"] == "application/json");
    CHECK(json::parse(requests[0].body()) == json::parse(R"({"item":"pizza","count":2})"));
    CHECK(requests[0]["X-B3-TraceId"] == trace_id);

    // 4xx is an answer the handler reads, not an error.
    weather_api.set_answer(404, R"({"error":"no such city"})");
    CHECK(skill.text("WEATHER", "Atlantis") == "404 -1");
}

TEST_CASE("a hung partner: the call ends before the invocation deadline, not at its own timeout") {
    test::FaultServer hung(test::FaultServer::Mode::hang);
    Skill skill(settings({partner("weather", hung.url(), 30s)}));  // skill timeout: 1 s
    std::string text;
    auto took = timed([&] { text = skill.text("WEATHER"); });
    CHECK(text == "error timeout 0");
    CHECK(took < 1000ms);  // the handler still answered itself
    CHECK(took >= 800ms);  // deadline minus the runtime's reserve (100 ms)

    // Uncaught: the runtime's apology, not a 504.
    took = timed([&] { text = skill.text("WEATHER_UNCAUGHT"); });
    CHECK(text == apology);
    CHECK(took < 1000ms);
    CHECK(has(skill.metrics(), "skill_unavailable_answers_total 1"));
}

TEST_CASE("the partner's own timeout when it is the shorter one") {
    test::FaultServer slow(test::FaultServer::Mode::slow);
    slow.set_delay(2s);
    Skill skill(settings({partner("weather", slow.url(), 200ms)}));
    std::string text;
    auto took = timed([&] { text = skill.text("WEATHER"); });
    CHECK(text == "error timeout 0");
    CHECK(took < 600ms);
}

TEST_CASE("the breaker opens on 503s, not on 4xx or 500; one partner's breaker is its own") {
    test::FaultServer weather_api;
    test::FaultServer shop_api;
    shop_api.set_answer(201, R"({"id":"o-1"})");
    Skill skill(settings({partner("weather", weather_api.url()), partner("shop", shop_api.url())}));

    weather_api.set_answer(400, R"({"error":"bad city"})");
    for (int i = 0; i < 4; ++i) CHECK(skill.text("WEATHER") == "400 -1");
    weather_api.set_answer(500, R"({"error":"this record is poisoned"})");
    for (int i = 0; i < 4; ++i) CHECK(skill.text("WEATHER") == "error server_error 500");
    CHECK(weather_api.requests().size() == 8);  // every call went out

    weather_api.set_answer(503, "{}");
    CHECK(skill.text("WEATHER") == "error server_error 503");
    CHECK(skill.text("WEATHER") == "error server_error 503");  // threshold 2: now open
    CHECK(skill.text("WEATHER") == "error circuit_open 0");
    CHECK(skill.text("WEATHER") == "error circuit_open 0");
    CHECK(weather_api.requests().size() == 10);  // failing fast: nothing sent

    CHECK(skill.text("ORDER") == "201 o-1");  // the shop's breaker is closed
    CHECK(skill.text("WEATHER_UNCAUGHT") == apology);
}

TEST_CASE("refused paths and headers, unknown partners: 500, nothing sent, breaker untouched") {
    test::FaultServer weather_api;
    weather_api.set_answer(200, R"({"temp":5})");
    Skill skill(settings({partner("weather", weather_api.url())}));

    for (std::string intent : {"BAD_PATH", "BAD_HEADER", "UNKNOWN"}) {
        INFO(intent);
        for (int i = 0; i < 3; ++i) {  // more than the breaker's threshold
            auto r = skill.invoke(intent, "Bad Homburg");
            CHECK(r.status == 500);
            CHECK(json::parse(r.body).at("code") == 999);
        }
    }
    CHECK(weather_api.requests().empty());
    CHECK(skill.text("WEATHER") == "200 5");  // the breaker did not count them
    CHECK(skill.text("BAD_PATH", "Bonn") == "200");  // the same handler with a clean value
}

TEST_CASE("partner calls are counted by partner, operation and status") {
    test::FaultServer weather_api;
    weather_api.set_answer(200, R"({"temp":1})");
    test::FaultServer shop_api;
    shop_api.set_answer(201, "{}");
    Skill skill(settings({partner("weather", weather_api.url()), partner("shop", shop_api.url())}));
    CHECK(skill.text("WEATHER") == "200 1");
    CHECK(skill.text("WEATHER") == "200 1");
    CHECK(skill.text("ORDER") == "201 none");
    weather_api.set_answer(503, "{}");
    CHECK(skill.text("WEATHER") == "error server_error 503");

    const auto text = skill.metrics();
    INFO(text);
    CHECK(has(text, R"(http_partner_request_count{partner="weather",operation="get",status="200"} 2)"));
    CHECK(has(text, R"(http_partner_request_count{partner="shop",operation="post",status="201"} 1)"));
    CHECK(has(text, R"(http_partner_request_count{partner="weather",operation="get",status="server_error"} 1)"));
    CHECK_FALSE(has(text, "city="));  // no query string in any label
}

TEST_CASE("https partners: verified against [tls] ca_file; an untrusted certificate is a tls error") {
    test::TempDir dir;
    test::TestPki pki(dir.path);
    TlsPartner trusted(pki.issue({}));
    TlsPartner rogue(pki.issue({.from_other_ca = true}));
    auto s = settings({partner("weather", trusted.url() + "/api"), partner("shop", rogue.url())});
    s.tls.ca_file = pki.ca_file().string();
    Skill skill(std::move(s));

    CHECK(skill.text("WEATHER") == "200 30");
    CHECK(skill.text("WEATHER") == "200 30");  // pooled: the same TLS connection
    REQUIRE(trusted.seen().size() == 2);
    CHECK(trusted.seen()[0] == "/api/current?city=Berlin");

    CHECK(skill.text("ORDER") == apology);  // uncaught tls error: the apology
    CHECK(rogue.seen().empty());
    CHECK(has(skill.metrics(), R"(http_partner_request_count{partner="shop",operation="post",status="tls"} 1)"));
}
