// The persistence client over real HTTP: against the stub (every call,
// merges under concurrency, isolation, 401) and against a misbehaving server
// (every failure becomes its typed PersistenceErrc; the breaker opens, fails
// fast and recovers).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <jwt.hpp>
#include <mutex>
#include <numeric>
#include <skill/persistence_http.hpp>
#include <stub_server.hpp>
#include <thread>

#include "run_io.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using asio::ip::tcp;
using skill::Document;
using skill::PersistenceErrc;
using skill::PersistenceError;
using skill::PersistenceSession;

namespace {

constexpr std::string_view skill_id = "test-skill";

/// A stub on an ephemeral port with its own database file, removed afterwards.
struct Stub {
    std::filesystem::path db;
    std::unique_ptr<skill::stub::StubServer> server;
    std::uint16_t port = 0;

    Stub() {
        static int counter = 0;
        db = std::filesystem::temp_directory_path() /
             ("persistence-client-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
              ".db");
        skill::stub::StubOptions options;
        options.port = 0;
        options.threads = 2;
        options.db_path = db.string();
        options.jwt_secret = std::string(skill::stub::default_dev_secret);
        server = std::make_unique<skill::stub::StubServer>(options);
        port = server->start();
    }
    ~Stub() {
        server.reset();
        std::error_code ec;
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix, ec);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

/// A clock the test moves by hand (breaker tests need no sleeping).
struct ManualClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
};

/// The client side: one io_context driven by the test thread, like one I/O thread.
struct Client {
    asio::io_context io;
    skill::net::HttpClient http{io.get_executor()};
    ManualClock clock;
    skill::CircuitBreaker breaker;
    skill::HttpPersistenceTransport transport;

    Client(const std::string& url, std::chrono::milliseconds timeout = 5s, unsigned threshold = 5)
        : breaker(threshold, 30s, [this] { return clock.now; }),
          transport(options(url, timeout), http, breaker) {}

    static skill::PersistenceOptions options(const std::string& url,
                                             std::chrono::milliseconds timeout) {
        skill::PersistenceOptions o;
        o.url = url;
        o.timeout = timeout;
        return o;
    }

    PersistenceSession session(const std::string& token, skill::HeaderList trace = {}) {
        return PersistenceSession(&transport, token, std::move(trace));
    }

    template <class T>
    T run(skill::Task<T> task) {
        return skill::test::run(io, std::move(task));
    }
};

std::string token(std::string_view user, std::string_view skill = skill_id) {
    return skill::stub::make_dev_token(user, skill);
}

/// Runs `call`, expecting a PersistenceError; returns it.
template <class F>
PersistenceError expect_error(F&& call) {
    try {
        call();
    } catch (const PersistenceError& e) {
        return e;
    }
    FAIL("no PersistenceError was thrown");
    throw std::logic_error("unreachable");
}

// --- a misbehaving server ----------------------------------------------------

enum class Mode { silent, server_error, cut_body, invalid_json, close_at_once, canned };

/// Accepts on an ephemeral port and misbehaves as told; records every request.
class FaultServer {
  public:
    explicit FaultServer(Mode mode) : mode_(mode) {
        acceptor_.open(tcp::v4());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~FaultServer() {
        io_.stop();
        thread_.join();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void set_mode(Mode mode) { mode_ = mode; }
    /// `headers`: extra header lines of the answer, each ending in "\r\n".
    void set_answer(int status, std::string body, std::string headers = {}) {
        std::lock_guard lock(mutex_);
        status_ = status;
        body_ = std::move(body);
        headers_ = std::move(headers);
        mode_ = Mode::canned;
    }
    std::vector<skill::net::Request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
            asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        try {
            boost::beast::flat_buffer buffer;
            for (;;) {
                skill::net::Request request;
                co_await http::async_read(socket, buffer, request, asio::use_awaitable);
                {
                    std::lock_guard lock(mutex_);
                    requests_.push_back(request);
                }
                if (!co_await answer(socket)) co_return;
            }
        } catch (const boost::system::system_error&) {
            // the client went away: nothing to do
        }
    }

    /// Misbehaves once; false when the connection is done.
    asio::awaitable<bool> answer(tcp::socket& socket) {
        switch (mode_.load()) {
            case Mode::silent: {
                asio::steady_timer never(io_, 1h);
                co_await never.async_wait(asio::use_awaitable);
                co_return false;
            }
            case Mode::close_at_once:
                co_return false;
            case Mode::server_error:  // "I am unwell": counts against the breaker
                co_await write(socket, response(503, "{}"));
                co_return true;
            case Mode::invalid_json:
                co_await write(socket, response(200, "{not json"));
                co_return true;
            case Mode::cut_body:
                co_await write(socket,
                               "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 100\r\n\r\n{\"name\":");
                co_return false;
            case Mode::canned: {
                std::string text;
                {
                    std::lock_guard lock(mutex_);
                    text = response(status_, body_, headers_);
                }
                co_await write(socket, text);
                co_return true;
            }
        }
        co_return false;
    }

    static std::string response(int status, const std::string& body,
                                const std::string& headers = {}) {
        return "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n" + headers +
               "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body;
    }

    static asio::awaitable<void> write(tcp::socket& socket, std::string text) {
        co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
    }

    std::atomic<Mode> mode_;
    mutable std::mutex mutex_;
    int status_ = 200;
    std::string body_;
    std::string headers_;
    std::vector<skill::net::Request> requests_;
    asio::io_context io_;
    tcp::acceptor acceptor_{io_};
    std::uint16_t port_ = 0;
    std::thread thread_;
};

/// A port nobody listens on (bound, then released).
std::uint16_t unused_port() {
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

/// One invocation storing key<i> with replace = false. A plain function, not a
/// lambda: a coroutine must not outlive the closure whose captures it uses.
skill::Task<Document> merge_one(Client& client, std::string token, int i) {
    auto session = client.session(token);
    skill::Document data{{"key" + std::to_string(i), i}};
    co_return co_await session.set(std::move(data), false);
}

/// Runs `n` invocations `start(i)` at once on the client's I/O thread, until all end.
template <class Start>
std::vector<std::future<Document>> run_together(Client& client, int n, Start start) {
    std::vector<std::future<Document>> results;
    for (int i = 0; i < n; ++i) {
        results.push_back(
            asio::co_spawn(client.io, skill::net::await_task(start(i)), asio::use_future));
    }
    client.io.restart();
    client.io.run();
    return results;
}

/// update()'s change in the version tests: one more visit.
Document add_visit(Document data) {
    return data.with("visits", data["visits"].value_or(0) + 1);
}

/// One invocation counting a visit with update().
skill::Task<Document> visit_one(Client& client, std::string token) {
    auto session = client.session(token);
    co_return co_await session.update(&add_visit);
}

}  // namespace

// --- against the stub --------------------------------------------------------

TEST_CASE("every call against the stub") {
    Stub stub;
    Client client(stub.url());
    auto anna = token("anna");

    auto first = client.session(anna);
    CHECK_FALSE(client.run(first.get()).exists());  // 404: no data yet

    auto stored = client.run(first.set({{"name", "Anna"}, {"visits", 1}}));
    CHECK(stored["name"].as_string() == "Anna");

    auto second = client.session(anna);  // a new invocation: no cache
    auto data = client.run(second.get());
    CHECK(data["name"].as_string() == "Anna");
    CHECK(data["visits"].as_int() == 1);

    SECTION("replace = true replaces the whole object") {
        auto now = client.run(second.set({{"visits", 2}}));
        CHECK(now.keys() == std::vector<std::string>{"visits"});
        CHECK(client.run(client.session(anna).get())["visits"].as_int() == 2);
    }
    SECTION("replace = false keeps existing keys and adds new ones") {
        auto now = client.run(second.set({{"visits", 2}, {"city", "Bonn"}}, false));
        CHECK(now["visits"].as_int() == 1);
        CHECK(now["name"].as_string() == "Anna");
        CHECK(now["city"].as_string() == "Bonn");
        CHECK(client.run(client.session(anna).get())["city"].as_string() == "Bonn");
    }
    SECTION("get_all is keyed by skill id") {
        client.run(client.session(token("anna", "other-skill")).set({{"x", 1}}));
        auto all = client.run(second.get_all());
        CHECK(all[skill_id]["name"].as_string() == "Anna");
        CHECK(all["other-skill"]["x"].as_int() == 1);
        CHECK(all.size() == 2);
    }
    SECTION("remove deletes this skill's data only") {
        client.run(client.session(token("anna", "other-skill")).set({{"x", 1}}));
        client.run(second.remove());
        CHECK_FALSE(client.run(second.get()).exists());                // from the cache
        CHECK_FALSE(client.run(client.session(anna).get()).exists());  // from the stub
        CHECK(client.run(second.get_all())["other-skill"]["x"].as_int() == 1);
        client.run(client.session(anna).remove());  // removing nothing is fine
    }
    CHECK_FALSE(client.breaker.open());
}

TEST_CASE("concurrent replace=false merges of one user lose no key") {
    Stub stub;
    Client client(stub.url());
    auto anna = token("anna");
    constexpr int writers = 60;

    auto results = run_together(client, writers, [&](int i) { return merge_one(client, anna, i); });
    for (auto& result : results) CHECK_NOTHROW(result.get());

    auto data = client.run(client.session(anna).get());
    CHECK(data.size() == writers);
    for (int i = 0; i < writers; ++i) {
        INFO("key" << i);
        CHECK(data["key" + std::to_string(i)].as_int() == i);
    }
}

TEST_CASE("concurrent update()s of one user lose no visit (the stub's versions)") {
    Stub stub;
    Client client(stub.url());
    auto anna = token("anna");
    constexpr int visits = 40;

    auto results = run_together(client, visits, [&](int) { return visit_one(client, anna); });
    std::vector<std::int64_t> counts;
    for (auto& result : results) counts.push_back(result.get()["visits"].value_or<std::int64_t>(0));
    std::sort(counts.begin(), counts.end());
    std::vector<std::int64_t> expected(visits);
    std::iota(expected.begin(), expected.end(), 1);
    CHECK(counts == expected);  // each visit saw its own count: none lost, none twice
    CHECK(client.run(client.session(anna).get())["visits"].as_int() == visits);
    CHECK_FALSE(client.breaker.open());
}

TEST_CASE("set(if_unchanged) against the stub: the second of two writers on one read loses") {
    Stub stub;
    Client client(stub.url());
    auto anna = token("anna");
    client.run(client.session(anna).set({{"name", "Ann"}}));

    auto first = client.session(anna);
    auto second = client.session(anna);
    client.run(first.get());
    client.run(second.get());
    CHECK(skill::is_entity_tag(first.version()));
    CHECK(first.version() == second.version());
    skill::SetOptions only_if{.replace = true, .if_unchanged = true};
    client.run(first.set({{"name", "Anna"}}, only_if));
    CHECK(first.version() != second.version());
    auto lost = expect_error([&] { client.run(second.set({{"name", "Bert"}}, only_if)); });
    CHECK(lost.code() == PersistenceErrc::conflict);
    CHECK(lost.http_status() == 412);
    CHECK(client.run(client.session(anna).get())["name"].as_string() == "Anna");
    // The loser reads again and may then write.
    CHECK(client.run(second.get())["name"].as_string() == "Anna");
    client.run(second.set({{"name", "Bert"}}, only_if));
    CHECK(client.run(client.session(anna).get())["name"].as_string() == "Bert");

    // No entry: If-None-Match: * creates only once.
    auto bert = token("bert");
    auto one = client.session(bert);
    auto two = client.session(bert);
    CHECK_FALSE(client.run(one.get()).exists());
    CHECK_FALSE(client.run(two.get()).exists());
    client.run(one.set({{"n", 1}}, only_if));
    auto second_create = expect_error([&] { client.run(two.set({{"n", 2}}, only_if)); });
    CHECK(second_create.code() == PersistenceErrc::conflict);
}

TEST_CASE("users and skills are isolated from each other") {
    Stub stub;
    Client client(stub.url());
    client.run(client.session(token("anna")).set({{"secret", "anna's"}}));
    CHECK_FALSE(client.run(client.session(token("bert")).get()).exists());
    CHECK(client.run(client.session(token("bert")).get_all()).empty());
    CHECK_FALSE(client.run(client.session(token("anna", "other")).get()).exists());
    client.run(client.session(token("bert")).remove());
    CHECK(client.run(client.session(token("anna")).get())["secret"].as_string() == "anna's");
}

TEST_CASE("a refused token is unauthorized, does not leak, and does not trip the breaker") {
    Stub stub;
    Client client(stub.url(), 5s, 2);
    auto forged = skill::stub::make_dev_token("anna", skill_id, "not-the-secret");
    for (int i = 0; i < 3; ++i) {
        auto session = client.session(forged);
        auto e = expect_error([&] { client.run(session.get()); });
        CHECK(e.code() == PersistenceErrc::unauthorized);
        CHECK(e.http_status() == 401);
        CHECK(std::string(e.what()).find(forged) == std::string::npos);
    }
    CHECK_FALSE(client.breaker.open());
}

// --- the wire form -----------------------------------------------------------

TEST_CASE("the wire form of every call") {
    FaultServer server(Mode::canned);
    Client client(server.url());
    const skill::HeaderList trace{{"X-B3-TraceId", "80f198ee56343ba8"},
                                  {"traceparent", "00-1-2-01"}};
    auto session = client.session("tok", trace);

    server.set_answer(200, R"({"a":1})");
    CHECK(client.run(session.get())["a"].as_int() == 1);
    client.run(session.get_all());
    server.set_answer(200, R"({"id":"1","data":{"a":1}})");
    client.run(session.set({{"a", 1}}));
    client.run(session.set({{"a", 1}}, false));
    server.set_answer(204, "");
    client.run(session.remove());

    auto requests = server.requests();
    REQUIRE(requests.size() == 5);
    CHECK(requests[0].method() == http::verb::get);
    CHECK(requests[0].target() == "/v1/persistence/entry/data");
    CHECK(requests[1].method() == http::verb::get);
    CHECK(requests[1].target() == "/v1/persistence/entry");
    CHECK(requests[2].method() == http::verb::post);
    CHECK(requests[2].target() == "/v1/persistence/entry");
    CHECK(boost::json::parse(requests[2].body()) == boost::json::parse(R"({"data":{"a":1}})"));
    CHECK(requests[3].target() == "/v1/persistence/entry?replace=false");
    CHECK(requests[4].method() == http::verb::delete_);
    CHECK(requests[4].target() == "/v1/persistence/entry");
    for (const auto& request : requests) {
        CHECK(request[http::field::authorization] == "Bearer tok");
        CHECK(request[http::field::accept] == "application/json");
        CHECK(request[http::field::content_type] == "application/json");
        CHECK(request[http::field::user_agent] == "skill-sdk-cpp");
        CHECK(request["X-B3-TraceId"] == "80f198ee56343ba8");
        CHECK(request["traceparent"] == "00-1-2-01");
    }
}

TEST_CASE("the wire form of conditional writes, on both request paths") {
    // A trace header twice (any case) takes the Beast path; the plain ones the raw path.
    auto trace = GENERATE(skill::HeaderList{{"X-B3-TraceId", "80f198ee56343ba8"}},
                          skill::HeaderList{{"X-B3-TraceId", "1"}, {"x-b3-traceid", "2"}});
    FaultServer server(Mode::canned);
    Client client(server.url());
    auto session = client.session("tok", trace);

    server.set_answer(200, R"({"visits":1})", "ETag: \"7\"\r\n");
    client.run(session.get());
    CHECK(session.version() == "\"7\"");
    server.set_answer(200, R"({"id":"1","data":{"visits":2}})", "ETag: \"8\"\r\n");
    CHECK(client.run(session.update(&add_visit))["visits"].as_int() == 2);
    CHECK(session.version() == "\"8\"");

    auto empty = client.session("tok", trace);
    server.set_answer(404, "{}");
    client.run(empty.get());
    server.set_answer(200, R"({"id":"1","data":{"visits":1}})", "ETag: \"9\"\r\n");
    client.run(empty.update(&add_visit));
    client.run(empty.set({{"visits", 5}}));  // a plain set: no condition

    auto requests = server.requests();
    REQUIRE(requests.size() == 5);
    CHECK(requests[1].method() == http::verb::post);
    CHECK(requests[1][http::field::if_match] == "\"7\"");
    CHECK(requests[1].count(http::field::if_none_match) == 0);
    CHECK(boost::json::parse(requests[1].body()) == boost::json::parse(R"({"data":{"visits":2}})"));
    CHECK(requests[3][http::field::if_none_match] == "*");
    CHECK(requests[3].count(http::field::if_match) == 0);
    CHECK(requests[4].count(http::field::if_match) == 0);
    CHECK(requests[4].count(http::field::if_none_match) == 0);
    for (const auto& request : requests) CHECK(request[http::field::authorization] == "Bearer tok");
}

TEST_CASE("a conditional write's 412 is a conflict and a success for the breaker") {
    FaultServer server(Mode::canned);
    Client client(server.url(), 5s, 1);  // one failure would open it
    auto session = client.session("tok");
    server.set_answer(200, R"({"a":1})", "ETag: \"1\"\r\n");
    client.run(session.get());
    server.set_answer(412, R"({"error":"precondition_failed"})", "ETag: \"2\"\r\n");
    skill::SetOptions only_if{.replace = true, .if_unchanged = true};
    auto lost = expect_error([&] { client.run(session.set({{"a", 2}}, only_if)); });
    CHECK(lost.code() == PersistenceErrc::conflict);
    CHECK(lost.http_status() == 412);
    CHECK(session.version().empty());  // the stale read is dropped
    CHECK_FALSE(client.breaker.open());
    // Sent without a condition, a 412 makes no sense: an unexpected answer.
    auto odd = expect_error([&] { client.run(client.session("tok").set({{"a", 2}})); });
    CHECK(odd.code() == PersistenceErrc::bad_response);
}

TEST_CASE("an ETag that is no strong entity tag is never echoed: the write is unconditional") {
    auto etag =
        GENERATE(std::string(), std::string("W/\"1\""), std::string("1"), std::string("\"a b\""),
                 std::string("\"\"\""), "\"" + std::string(200, 'x') + "\"");
    INFO("ETag: " << etag);
    FaultServer server(Mode::canned);
    Client client(server.url());
    auto session = client.session("tok");
    const std::string header = etag.empty() ? "" : "ETag: " + etag + "\r\n";
    server.set_answer(200, R"({"visits":1})", header);
    client.run(session.get());
    CHECK(session.version().empty());
    server.set_answer(200, R"({"id":"1","data":{"visits":2}})", header);
    client.run(session.update(&add_visit));
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].count(http::field::if_match) == 0);
    CHECK(requests[1].count(http::field::if_none_match) == 0);
}

TEST_CASE("answers the client accepts or refuses") {
    FaultServer server(Mode::canned);
    Client client(server.url(), 5s, 100);  // bad answers count as failures: keep it closed
    // Each call on a fresh session: no cache in between.
    auto fresh = [&](auto op) {
        auto session = client.session("tok");
        return client.run(op(session));
    };
    auto error_of = [&](auto op) { return expect_error([&] { fresh(op); }); };
    auto get = [](PersistenceSession& s) { return s.get(); };
    auto get_all = [](PersistenceSession& s) { return s.get_all(); };
    auto set = [](PersistenceSession& s) { return s.set({{"a", 1}}); };
    auto remove = [](PersistenceSession& s) { return s.remove(); };

    server.set_answer(404, R"({"error":"not_found"})");
    CHECK_FALSE(fresh(get).exists());  // get 404: nothing stored
    CHECK(fresh(get_all).empty());     // get_all 404: nothing stored
    fresh(remove);                     // remove 404: already gone
    CHECK(error_of(set).code() == PersistenceErrc::bad_response);

    server.set_answer(200, "[1, 2]");
    CHECK(error_of(get).code() == PersistenceErrc::bad_response);
    CHECK(error_of(get_all).code() == PersistenceErrc::bad_response);
    server.set_answer(200, R"({"id":"1"})");
    CHECK(error_of(set).code() == PersistenceErrc::bad_response);
    server.set_answer(200, R"({"id":"1","data":"a"})");
    CHECK(error_of(set).code() == PersistenceErrc::bad_response);

    server.set_answer(403, "{}");
    auto forbidden = error_of(get);
    CHECK(forbidden.code() == PersistenceErrc::unauthorized);
    CHECK(forbidden.http_status() == 403);

    server.set_answer(400, "{}");
    auto bad = error_of(remove);
    CHECK(bad.code() == PersistenceErrc::bad_response);
    CHECK(bad.http_status() == 400);

    server.set_answer(503, "{}");
    auto down = error_of(get_all);
    CHECK(down.code() == PersistenceErrc::server_error);
    CHECK(down.http_status() == 503);
}

// --- faults and the breaker ----------------------------------------------------

TEST_CASE("every fault yields its typed error within the timeout") {
    auto [mode, expected] = GENERATE(table<Mode, PersistenceErrc>({
        {Mode::silent, PersistenceErrc::timeout},
        {Mode::server_error, PersistenceErrc::server_error},
        {Mode::cut_body, PersistenceErrc::bad_response},
        {Mode::invalid_json, PersistenceErrc::bad_response},
        {Mode::close_at_once, PersistenceErrc::unreachable},
    }));
    FaultServer server(mode);
    Client client(server.url(), 300ms);
    auto session = client.session("secret-token-value");
    auto e = expect_error([&] { client.run(session.get()); });
    CHECK(e.code() == expected);
    CHECK(std::string(e.what()).find("secret-token-value") == std::string::npos);
    CHECK(server.requests().size() == 1);
}

TEST_CASE("a port nobody listens on is unreachable") {
    Client client("http://127.0.0.1:" + std::to_string(unused_port()), 300ms);
    auto session = client.session("tok");
    CHECK(expect_error([&] { client.run(session.get()); }).code() == PersistenceErrc::unreachable);
}

TEST_CASE("the breaker opens after the threshold, fails fast, then recovers") {
    FaultServer server(Mode::server_error);
    Client client(server.url(), 300ms, 3);
    auto get = [&] {
        auto session = client.session("tok");
        return client.run(session.get());
    };
    for (int i = 0; i < 3; ++i) {
        CHECK(expect_error(get).code() == PersistenceErrc::server_error);
    }
    CHECK(client.breaker.open());
    CHECK(expect_error(get).code() == PersistenceErrc::circuit_open);
    CHECK(server.requests().size() == 3);  // failing fast: no request went out

    SECTION("a failed trial re-opens it") {
        client.clock.now += 30s;
        CHECK(expect_error(get).code() == PersistenceErrc::server_error);
        CHECK(expect_error(get).code() == PersistenceErrc::circuit_open);
        CHECK(server.requests().size() == 4);
    }
    SECTION("a successful trial closes it") {
        server.set_answer(200, R"({"a":1})");
        client.clock.now += 30s;
        CHECK(get()["a"].as_int() == 1);
        CHECK_FALSE(client.breaker.open());
        CHECK(get()["a"].as_int() == 1);
        CHECK(server.requests().size() == 5);
    }
}

TEST_CASE("what one request's content causes never opens the breaker") {
    // A 500 from one poisoned record, a 431 for an oversized token, a 4xx for one
    // request: that request's error. Hostile invocations cannot switch
    // persistence off for every user (threshold 2, ten of each).
    FaultServer server(Mode::canned);
    Client client(server.url(), 300ms, 2);
    auto get = [&](const std::string& token) {
        auto session = client.session(token);
        return client.run(session.get());
    };
    for (int status : {500, 431, 413, 400, 422, 401}) {
        server.set_answer(status, "{}");
        for (int i = 0; i < 10; ++i)
            CHECK(expect_error([&] { get("tok"); }).http_status() == status);
        CHECK_FALSE(client.breaker.open());
    }
    const auto sent = server.requests().size();
    SECTION("tokens that are no bearer tokens never leave the process") {
        for (const std::string& bad :
             {std::string("a\r\nX-Evil: 1"), std::string("tok\n"), std::string("t\x7fk"),
              std::string("t k"), std::string("tok\0x", 5), std::string("t\xc3\xa4"),
              std::string(20'000, 'a'), std::string("==")}) {
            auto e = expect_error([&] { get(bad); });
            CHECK(e.code() == PersistenceErrc::invalid_token);
            CHECK(e.http_status() == 0);
        }
        CHECK(server.requests().size() == sent);
        CHECK_FALSE(client.breaker.open());
    }
    SECTION("but the service saying it is unwell does") {
        server.set_answer(503, "{}");
        for (int i = 0; i < 2; ++i) expect_error([&] { get("tok"); });
        CHECK(client.breaker.open());
    }
}

TEST_CASE("timeouts and unreachable services count as breaker failures") {
    SECTION("timeouts") {
        FaultServer server(Mode::silent);
        Client client(server.url(), 200ms, 2);
        for (int i = 0; i < 2; ++i) {
            auto session = client.session("tok");
            CHECK(expect_error([&] { client.run(session.get()); }).code() ==
                  PersistenceErrc::timeout);
        }
        CHECK(client.breaker.open());
    }
    SECTION("refused connections") {
        Client client("http://127.0.0.1:" + std::to_string(unused_port()), 300ms, 2);
        for (int i = 0; i < 2; ++i) {
            auto session = client.session("tok");
            CHECK(expect_error([&] { client.run(session.get()); }).code() ==
                  PersistenceErrc::unreachable);
        }
        auto session = client.session("tok");
        CHECK(expect_error([&] { client.run(session.get()); }).code() ==
              PersistenceErrc::circuit_open);
    }
}

TEST_CASE("is_bearer_token takes exactly RFC 6750's b64token", "[persistence][token]") {
    auto b64 = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    };
    for (int c = 0; c < 256; ++c) {
        const std::string one(1, static_cast<char>(c));
        INFO("byte " << c);
        CHECK(skill::is_bearer_token(one) == b64(static_cast<unsigned char>(c)));
        CHECK(skill::is_bearer_token("ab" + one + "cd") == b64(static_cast<unsigned char>(c)));
        CHECK(skill::is_bearer_token("abc" + one + "==") ==
              (b64(static_cast<unsigned char>(c)) || c == '='));
    }
    CHECK(skill::is_bearer_token("a=="));
    CHECK_FALSE(skill::is_bearer_token("="));  // padding of nothing
    CHECK_FALSE(skill::is_bearer_token("a=b"));
    CHECK_FALSE(skill::is_bearer_token(""));
    CHECK(skill::is_bearer_token(std::string(16 * 1024, 'a')));
    CHECK_FALSE(skill::is_bearer_token(std::string(16 * 1024 + 1, 'a')));
}
