// Faults of the persistence service, end to end: the real stub stopped
// mid-run and brought back, a slow service, garbage answers, a service that
// never answers. The skill keeps answering within its deadline (an apology or
// 504 code 4) and recovers when the service does.
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <jwt.hpp>
#include <skill/skill.hpp>
#include <stub_server.hpp>
#include <thread>

#include "engine_impl.hpp"
#include "exposition_parser.hpp"
#include "fault_server.hpp"
#include "run_io.hpp"
#include "loopback_settings.hpp"
#include "stderr_capture.hpp"
#include "test_http.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string apology = runtime::Settings{}.skill.unavailable_text;

/// Counts this user's visits in persistence: proves reads and writes went through.
Task<Response> visit(Context& ctx) {
    auto data = co_await ctx.persistence().get();
    std::int64_t visits = data["visits"].value_or(std::int64_t{0}) + 1;
    skill::Document update{{"visits", visits}};
    co_await ctx.persistence().set(std::move(update));
    co_return tell(std::to_string(visits));
}

const IntentRegistry& registry() {
    static IntentRegistry r = [] {
        IntentRegistry r;
        r.add("VISIT", visit);
        return r;
    }();
    return r;
}

runtime::Settings settings(const std::string& url) {
    auto s = test::loopback_settings();
    s.skill.timeout = 1s;
    s.persistence.active = true;
    s.persistence.url = url;
    s.persistence.timeout = 300ms;
    s.circuit_breakers.threshold = 2;
    s.circuit_breakers.timeout = 200ms;  // short: the recovery test waits for a trial call
    return s;
}

struct Skill {
    Engine app;
    std::uint16_t port;
    explicit Skill(runtime::Settings s, log::Level level = log::Level::off)
        : app((log::configure(level, log::Format::json), runtime::make_engine(std::move(s), registry()))),
          port(app.start()) {}
    ~Skill() { log::configure(log::Level::off, log::Format::json); }

    /// `token_json` goes into the body as JSON string content (escapes allowed).
    test::RawResponse invoke(const std::string& token_json = stub::make_dev_token("anna", "test")) {
        std::string body = R"({"context":{"intent":"VISIT","locale":"de","tokens":{"cvi":")" +
                           token_json + R"("}}})";
        return test::http_request(port, "POST", "/v1/test", body);
    }
    std::string text(const std::string& token_json = stub::make_dev_token("anna", "test")) {
        auto r = invoke(token_json);
        REQUIRE(r.status == 200);
        return std::string(json::parse(r.body).at("text").as_string());
    }
    test::Exposition scrape() {
        return test::Exposition(test::http_request(port, "GET", "/prometheus").body);
    }
};

/// The real stub on a port of its own choosing (or a given one), database in /tmp.
struct Stub {
    std::filesystem::path db;
    std::unique_ptr<stub::StubServer> server;
    std::uint16_t port = 0;

    Stub() {
        db = std::filesystem::temp_directory_path() /
             ("persistence-faults-" + std::to_string(::getpid()) + ".db");
        start(0);
    }
    ~Stub() {
        server.reset();
        std::error_code ec;
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix, ec);
    }
    void start(std::uint16_t on) {
        stub::StubOptions options;
        options.port = on;
        options.db_path = db.string();
        options.jwt_secret = std::string(stub::default_dev_secret);
        server = std::make_unique<stub::StubServer>(options);
        port = server->start();
    }
    void stop() { server.reset(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

using skill::test::timed;

}  // namespace

TEST_CASE("hostile tokens: 400 code 2, nothing reaches the service, no user sees another's data") {
    // A cvi token with CR/LF once became a second request on a pooled keep-alive
    // connection, and the next user read the answer meant for it.
    Stub stub;
    Skill skill(settings(stub.url()));
    const std::string anna = stub::make_dev_token("anna", "test");
    const std::string bert = stub::make_dev_token("bert", "test");
    CHECK(skill.text(anna) == "1");
    const std::string injected = anna + R"(\r\n\r\nGET /v1/persistence/entry/data HTTP/1.1\r\n)" +
                                 R"(Host: x\r\nAuthorization: Bearer )" + anna;
    for (const std::string& hostile :
         {injected, anna + R"(\n)", anna + R"(\u0000)", anna + " x", anna + R"(\u00e4)",
          std::string(20'000, 'a')}) {
        auto r = skill.invoke(hostile);
        CHECK(r.status == 400);
        CHECK(json::parse(r.body).at("code") == 2);
    }
    // Ten times the breaker's threshold of hostile calls: it stays closed, and
    // every user still gets their own data.
    CHECK(skill.scrape().value("skill_circuit_breakers_open") == 0);
    CHECK(skill.text(bert) == "1");
    CHECK(skill.text(anna) == "2");
    CHECK(skill.text(bert) == "2");
}

TEST_CASE("stub stopped mid-run: apologies and a log line, then recovery when it returns") {
    Stub stub;
    test::StderrCapture capture;
    Skill skill(settings(stub.url()), log::Level::warning);
    CHECK(skill.text() == "1");
    CHECK(skill.text() == "2");

    stub.stop();
    for (int i = 0; i < 4; ++i) CHECK(skill.text() == apology);  // refused, then the breaker
    auto e = skill.scrape();
    CHECK(e.value("http_partner_request_count", {{"status", "unreachable"}}) == 2);
    CHECK(e.value("http_partner_request_count", {{"status", "circuit_open"}}) == 2);
    CHECK(e.value("skill_circuit_breakers_open") == 1);
    CHECK(e.value("skill_unavailable_answers_total") == 4);

    stub.start(stub.port);  // same port, same database
    std::string text;
    for (int i = 0; i < 50 && text != "3"; ++i) {  // the breaker lets a trial through after 200 ms
        std::this_thread::sleep_for(50ms);
        text = skill.text();
    }
    CHECK(text == "3");  // the data survived and normal answers are back
    CHECK(skill.scrape().value("skill_circuit_breakers_open") == 0);

    bool logged = false;
    for (auto& line : capture.json_lines()) {
        auto* logger = line.if_contains("logger");
        logged |= logger && *logger == "persistence" && line.if_contains("traceId") != nullptr;
    }
    CHECK(logged);
}

TEST_CASE("a slow service: the apology still comes within the deadline") {
    test::FaultServer slow(test::FaultServer::Mode::slow);
    slow.set_delay(3s);  // beyond the persistence timeout (300 ms) and the deadline (1 s)
    Skill skill(settings(slow.url()));
    std::string text;
    auto took = timed([&] { text = skill.text(); });
    CHECK(text == apology);
    CHECK(took < 3s);
}

TEST_CASE("garbage answers: apology, and the skill recovers when they stop") {
    test::FaultServer service(test::FaultServer::Mode::garbage);
    auto s = settings(service.url());
    s.circuit_breakers.threshold = 100;  // this test is not about the breaker
    Skill skill(s);
    CHECK(skill.text() == apology);
    CHECK(skill.scrape().value("http_partner_request_count", {{"status", "bad_response"}}) == 1);
    service.set_answer(200, R"({"data":{"visits":7}})");  // GET .../data and POST both fine now
    CHECK_FALSE(skill.text() == apology);
}

TEST_CASE("a persistence call that never answers ends before the deadline: the apology, not a 504") {
    test::FaultServer hang(test::FaultServer::Mode::hang);
    auto s = settings(hang.url());
    s.skill.timeout = 300ms;
    s.persistence.timeout = 30s;  // only the deadline can end the call
    Skill skill(s);
    test::RawResponse r;
    auto took = timed([&] { r = skill.invoke(); });
    CHECK(r.status == 200);
    CHECK(json::parse(r.body).at("text").as_string() == apology);
    CHECK(took < 3s);
    // The call itself ended (not left hanging for 30 s): it is already counted.
    CHECK(skill.scrape().value("http_partner_request_count", {{"status", "timeout"}}) == 1);
    CHECK(hang.requests().size() == 1);
}
