// The pooled HTTP client (framework/net/src/http_client.cpp) against a
// scripted loopback server: the bytes it writes (the persistence transport's
// hand-serialised requests equal what Beast writes), how it reads answers that
// arrive in pieces, chunked or ended by a close, its pool, retry and timeout.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <skill/net/http_client.hpp>
#include <skill/persistence_http.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_io.hpp"

namespace asio = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using asio::ip::tcp;
using skill::net::HttpClient;

namespace {

/// What the server does with one request: write `pieces` (pausing between them,
/// so they arrive as separate segments), then close or keep the connection.
struct Answer {
    std::vector<std::string> pieces;
    bool close = false;
    bool silent = false;  // never answer (keep the connection open)
};

/// A loopback server with a script: request i (counted across connections) gets
/// script(i). Records each request's bytes exactly as they arrived.
class ScriptServer {
  public:
    explicit ScriptServer(std::function<Answer(std::size_t)> script) : script_(std::move(script)) {
        acceptor_.open(tcp::v4());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port_ = std::to_string(acceptor_.local_endpoint().port());
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~ScriptServer() {
        io_.stop();
        thread_.join();
    }

    const std::string& port() const { return port_; }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::size_t connections() const {
        std::lock_guard lock(mutex_);
        return connections_;
    }

  private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
            {
                std::lock_guard lock(mutex_);
                ++connections_;
            }
            asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
        }
    }

    /// Bytes of a whole request at the front of `data`, or 0 while incomplete.
    static std::size_t request_size(const std::string& data) {
        const auto end = data.find("\r\n\r\n");
        if (end == std::string::npos) return 0;
        std::size_t length = 0;
        const auto at = data.find("Content-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(data.substr(at + 16));
        const std::size_t total = end + 4 + length;
        return data.size() >= total ? total : 0;
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        std::string data;
        char buffer[4096];
        try {
            for (;;) {
                std::size_t size = 0;
                while ((size = request_size(data)) == 0) {
                    auto n = co_await socket.async_read_some(asio::buffer(buffer),
                                                             asio::use_awaitable);
                    data.append(buffer, n);
                }
                Answer answer;
                {
                    std::lock_guard lock(mutex_);
                    requests_.push_back(data.substr(0, size));
                    answer = script_(requests_.size() - 1);
                }
                data.erase(0, size);
                if (answer.silent) {
                    asio::steady_timer never(io_, 1h);
                    co_await never.async_wait(asio::use_awaitable);
                }
                for (std::size_t i = 0; i < answer.pieces.size(); ++i) {
                    if (i > 0) {
                        asio::steady_timer pause(io_, 20ms);
                        co_await pause.async_wait(asio::use_awaitable);
                    }
                    co_await asio::async_write(socket, asio::buffer(answer.pieces[i]),
                                               asio::use_awaitable);
                }
                if (answer.close) co_return;
            }
        } catch (const boost::system::system_error&) {
            // the client went away
        }
    }

    std::function<Answer(std::size_t)> script_;
    asio::io_context io_;
    tcp::acceptor acceptor_{io_};
    std::string port_;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::size_t connections_ = 0;
    std::thread thread_;
};

std::string json_answer(std::string_view body, int status = 200) {
    return "HTTP/1.1 " + std::to_string(status) +
           " OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

Answer whole(std::string_view body) { return Answer{{json_answer(body)}}; }

using skill::test::run;

skill::net::RawRequest get_request(std::string_view target_line) {
    return skill::net::RawRequest{http::verb::get, target_line, {}};
}

/// What the transport wrote before this work: a Beast message built the way
/// make_request() builds it, with Host and the payload set as send() sets them,
/// serialised by Beast itself.
std::string beast_bytes(http::verb method, const std::string& target, const std::string& token,
                        const skill::HeaderList& trace, const std::string& body,
                        const std::string& port) {
    skill::net::Request r;
    r.version(11);
    r.keep_alive(true);
    r.method(method);
    r.target(target);
    if (!body.empty()) r.body() = body;
    r.set(http::field::accept, "application/json");
    r.set(http::field::content_type, "application/json");
    r.set(http::field::authorization, "Bearer " + token);
    r.set(http::field::user_agent, "skill-sdk-cpp");
    for (const auto& [name, value] : trace) r.set(name, value);
    r.set(http::field::host, "127.0.0.1:" + port);
    r.prepare_payload();
    std::ostringstream out;
    out << r;
    return out.str();
}

/// Every persistence call through the transport; returns the bytes the server got.
std::vector<std::string> transport_requests(const std::string& token,
                                            const skill::HeaderList& trace) {
    ScriptServer server([](std::size_t i) {
        switch (i % 5) {
            case 0:
                return whole(R"({"a":1})");
            case 1:
                return whole("{}");
            case 2:
            case 3:
                return whole(R"({"id":"1","data":{"a":1}})");
            default:
                return Answer{{"HTTP/1.1 204 No Content\r\n\r\n"}};
        }
    });
    asio::io_context io;
    HttpClient client(io.get_executor());
    skill::CircuitBreaker breaker(5, 30s);
    skill::PersistenceOptions options;
    options.url = "http://127.0.0.1:" + server.port();
    skill::HttpPersistenceTransport transport(options, client, breaker);
    skill::PersistenceSession session(&transport, token, trace);
    const skill::Document data{{"a", 1}, {"b", "x y"}};
    run(io, session.get());
    run(io, session.get_all());
    run(io, session.set(data));
    run(io, session.set(data, false));
    run(io, session.remove());
    return server.requests();
}

void check_same_bytes_as_beast(const std::string& token, const skill::HeaderList& trace) {
    const auto requests = transport_requests(token, trace);
    REQUIRE(requests.size() == 5);
    const std::string port = [&] {
        const auto host = requests[0].find("Host: 127.0.0.1:");
        return requests[0].substr(host + 16, requests[0].find("\r\n", host) - host - 16);
    }();
    const std::string body = R"({"data":{"a":1,"b":"x y"}})";
    const std::string base = "/v1/persistence";
    CHECK(requests[0] == beast_bytes(http::verb::get, base + "/entry/data", token, trace, "", port));
    CHECK(requests[1] == beast_bytes(http::verb::get, base + "/entry", token, trace, "", port));
    CHECK(requests[2] == beast_bytes(http::verb::post, base + "/entry", token, trace, body, port));
    CHECK(requests[3] == beast_bytes(http::verb::post, base + "/entry?replace=false", token, trace,
                                     body, port));
    CHECK(requests[4] ==
          beast_bytes(http::verb::delete_, base + "/entry", token, trace, "", port));
}

}  // namespace

// --- the bytes on the wire -----------------------------------------------------

TEST_CASE("the transport's requests are byte for byte what Beast writes") {
    SECTION("the runtime's trace headers (the hand-serialised path)") {
        check_same_bytes_as_beast("eyJ.token.sig",
                                  {{"X-B3-TraceId", "80f198ee56343ba8"},
                                   {"X-B3-SpanId", "e457b5a2e4d86bd1"},
                                   {"X-B3-ParentSpanId", "05e3ac9a4f6e3b90"},
                                   {"X-B3-Sampled", "1"},
                                   {"traceparent", "00-000000000000000080f198ee56343ba8-"
                                                   "e457b5a2e4d86bd1-01"}});
    }
    SECTION("no trace headers") { check_same_bytes_as_beast("tok", {}); }
    SECTION("values Beast trims") {
        check_same_bytes_as_beast("tok", {{"X-B3-TraceId", "  abc\t"}, {"X-Empty", " "}});
    }
    SECTION("names that collide take Beast's path, with its replace rule") {
        check_same_bytes_as_beast("tok", {{"X-B3-TraceId", "1"},
                                          {"x-b3-traceid", "2"},
                                          {"accept", "text/plain"},
                                          {"Host", "elsewhere"}});
    }
}

TEST_CASE("send_raw adds Host, Content-Length where Beast would, and the empty line") {
    ScriptServer server([](std::size_t) { return whole("{}"); });
    asio::io_context io;
    HttpClient client(io.get_executor());
    const std::string head = "POST /x HTTP/1.1\r\nA: b\r\n";
    auto empty_post = skill::net::RawRequest{http::verb::post, head, {}};
    auto delete_with_body = skill::net::RawRequest{http::verb::delete_, "DELETE /x HTTP/1.1\r\n", "{}"};
    auto get = get_request("GET /x HTTP/1.1\r\n");
    CHECK(run(io, client.send_raw("127.0.0.1", server.port(), empty_post, 5s)).status == 200);
    CHECK(run(io, client.send_raw("127.0.0.1", server.port(), delete_with_body, 5s)).status == 200);
    CHECK(run(io, client.send_raw("127.0.0.1", server.port(), get, 5s)).status == 200);
    const auto host = "Host: 127.0.0.1:" + server.port() + "\r\n";
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0] == head + host + "Content-Length: 0\r\n\r\n");
    CHECK(requests[1] == "DELETE /x HTTP/1.1\r\n" + host + "Content-Length: 2\r\n\r\n{}");
    CHECK(requests[2] == "GET /x HTTP/1.1\r\n" + host + "\r\n");
    CHECK(server.connections() == 1);  // one pooled connection served all three
}

// --- reading answers -----------------------------------------------------------

TEST_CASE("answers are read however they arrive") {
    const std::string answer = json_answer(R"({"name":"Anna"})");
    auto [pieces, pooled] = GENERATE_COPY(table<std::vector<std::string>, bool>({
        // the header cut in the middle of a field, then the body in two
        {{answer.substr(0, 20), answer.substr(20, answer.size() - 25), answer.substr(answer.size() - 5)},
         true},
        // chunked
        {{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\n{\"nam\r\n",
          "a\r\ne\":\"Anna\"}\r\n0\r\n\r\n"},
         true},
        // no length: the body ends with the connection
        {{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"name\"", ":\"Anna\"}"}, false},
    }));
    // Named copies: a lambda may not capture structured bindings before clang 16.
    const Answer scripted{pieces, !pooled};
    ScriptServer server([&](std::size_t) { return scripted; });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto result = run(io, client.send_raw("127.0.0.1", server.port(), request, 5s));
    REQUIRE_FALSE(result.error);
    CHECK(result.status == 200);
    CHECK(result.body == R"({"name":"Anna"})");
    CHECK(client.idle_connections() == (pooled ? 1u : 0u));
}

TEST_CASE("the Beast path reads the whole answer, fields included") {
    ScriptServer server([](std::size_t) {
        return Answer{{"HTTP/1.1 201 Created\r\nX-Thing: 1\r\nContent-Length: 2\r\n\r\n{}"}};
    });
    asio::io_context io;
    HttpClient client(io.get_executor());
    skill::net::Request request{http::verb::get, "/x", 11};
    auto result = run(io, client.send("127.0.0.1", server.port(), request, 5s));
    REQUIRE_FALSE(result.error);
    CHECK(result.response.result_int() == 201);
    CHECK(result.response["X-Thing"] == "1");
    CHECK(result.response.body() == "{}");
}

TEST_CASE("bytes after a complete answer make the connection unusable") {
    ScriptServer server([](std::size_t) { return Answer{{json_answer("{}") + "HTTP/1.1 200"}}; });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    CHECK(run(io, client.send_raw("127.0.0.1", server.port(), request, 5s)).body == "{}");
    CHECK(client.idle_connections() == 0);
}

TEST_CASE("a malformed or cut-off answer is an HTTP error") {
    auto [answer, expected] = GENERATE(table<std::string, http::error>({
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"", http::error::partial_message},
        {"NOT HTTP AT ALL\r\n\r\n", http::error::bad_version},
    }));
    const Answer scripted{{answer}, true};  // named: see "answers are read however they arrive"
    ScriptServer server([&](std::size_t) { return scripted; });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto result = run(io, client.send_raw("127.0.0.1", server.port(), request, 5s));
    CHECK(result.error == expected);
}

TEST_CASE("a body over the limit is refused") {
    ScriptServer server([](std::size_t) { return whole(std::string(100, 'x')); });
    asio::io_context io;
    skill::net::ClientOptions options;
    options.max_body_bytes = 99;
    HttpClient client(io.get_executor(), options);
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto result = run(io, client.send_raw("127.0.0.1", server.port(), request, 5s));
    CHECK(result.error == http::error::body_limit);
}

// --- pool, retry, timeout ----------------------------------------------------------

TEST_CASE("a pooled connection the server closed is retried once on a fresh one") {
    // The first answer says keep-alive, then the server closes anyway.
    ScriptServer server([](std::size_t i) { return Answer{{json_answer("{}")}, i == 0}; });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    CHECK_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), request, 5s)).error);
    std::this_thread::sleep_for(50ms);  // let the close arrive
    auto second = run(io, client.send_raw("127.0.0.1", server.port(), request, 5s));
    CHECK_FALSE(second.error);
    CHECK(second.body == "{}");
    CHECK(server.connections() == 2);
    CHECK(server.requests().size() == 2);  // the stale connection got nothing
}

TEST_CASE("a pooled connection that received an answer nobody asked for is never reused") {
    // Request 0 is answered twice (as a server answers a request that carried an
    // injected second one): the extra answer arrives after the client returned the
    // connection to its pool. The next call must not read it as its own.
    ScriptServer server([](std::size_t i) {
        if (i == 0) return Answer{{json_answer(R"({"user":"A"})"), json_answer(R"({"user":"A2"})")}};
        return whole(R"({"user":"B"})");
    });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    CHECK(run(io, client.send_raw("127.0.0.1", server.port(), request, 5s)).body == R"({"user":"A"})");
    CHECK(client.idle_connections() == 1);
    std::this_thread::sleep_for(100ms);  // the second answer is in the socket now
    auto second = run(io, client.send_raw("127.0.0.1", server.port(), request, 5s));
    CHECK_FALSE(second.error);
    CHECK(second.body == R"({"user":"B"})");
    CHECK(server.connections() == 2);  // the tainted connection was closed, not reused
}

TEST_CASE("a request lost with its pooled connection is sent again only when that is safe") {
    // Request 1 arrives on the pooled connection, and the server closes it without an
    // answer: it may have acted on it. A GET is sent again; a POST is not.
    ScriptServer server([](std::size_t i) { return i == 1 ? Answer{{}, true} : whole("{}"); });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto get = get_request("GET /x HTTP/1.1\r\n");
    skill::net::RawRequest post{http::verb::post, "POST /x HTTP/1.1\r\n", "{}"};
    REQUIRE_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), get, 5s)).error);
    SECTION("POST: the error, one request") {
        CHECK(run(io, client.send_raw("127.0.0.1", server.port(), post, 5s)).error);
        CHECK(server.requests().size() == 2);
    }
    SECTION("POST the caller marks resend-safe, and GET: sent again on a fresh connection") {
        post.resend_safe = GENERATE(true, false);
        auto& again = post.resend_safe ? post : get;
        CHECK_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), again, 5s)).error);
        CHECK(server.requests().size() == 3);
        CHECK(server.connections() == 2);
    }
}

TEST_CASE("an idle pooled connection the server closed is not used again") {
    ScriptServer server([](std::size_t i) { return Answer{{json_answer("{}")}, i == 0}; });
    asio::io_context io;
    HttpClient client(io.get_executor());
    skill::net::RawRequest post{http::verb::post, "POST /x HTTP/1.1\r\n", "{}"};
    CHECK_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), post, 5s)).error);
    std::this_thread::sleep_for(50ms);  // the close arrives
    CHECK_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), post, 5s)).error);
    CHECK(server.requests().size() == 2);  // not lost: it went out on a fresh connection
    CHECK(server.connections() == 2);
}

TEST_CASE("32 concurrent calls leave 32 pooled connections for the next burst") {
    ScriptServer server([](std::size_t) { return whole("{}"); });
    asio::io_context io;
    HttpClient client(io.get_executor());
    constexpr int calls = 32;
    auto burst = [&] {
        int ok = 0;
        for (int i = 0; i < calls; ++i) {
            asio::co_spawn(
                io,
                [&]() -> asio::awaitable<void> {
                    auto request = get_request("GET /x HTTP/1.1\r\n");
                    auto result = co_await client.send_raw("127.0.0.1", server.port(), request, 5s);
                    if (!result.error) ++ok;
                },
                asio::detached);
        }
        io.restart();
        io.run();
        return ok;
    };
    CHECK(burst() == calls);
    CHECK(client.idle_connections() == calls);
    CHECK(burst() == calls);
    CHECK(server.connections() == calls);  // the second burst connected nothing
}

TEST_CASE("a silent server times out, and the deadline's timer never outlives the calls") {
    ScriptServer server([](std::size_t i) { return i == 0 ? Answer{{}, false, true} : whole("{}"); });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto started = std::chrono::steady_clock::now();
    auto result = run(io, client.send_raw("127.0.0.1", server.port(), request, 200ms));
    CHECK(result.error == boost::beast::error::timeout);
    CHECK(std::chrono::steady_clock::now() - started < 2s);
    CHECK(client.idle_connections() == 0);

    // A call that succeeds at once: run() returns at once too, not after 30 s.
    started = std::chrono::steady_clock::now();
    CHECK_FALSE(run(io, client.send_raw("127.0.0.1", server.port(), request, 30s)).error);
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("a refused connection is an error, not a hang") {
    asio::io_context probe;
    tcp::acceptor acceptor(probe, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = std::to_string(acceptor.local_endpoint().port());
    acceptor.close();
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto result = run(io, client.send_raw("127.0.0.1", port, request, 5s));
    CHECK(result.error == asio::error::connection_refused);
}

TEST_CASE("a host name is resolved") {
    ScriptServer server([](std::size_t) { return whole("{}"); });
    asio::io_context io;
    HttpClient client(io.get_executor());
    auto request = get_request("GET /x HTTP/1.1\r\n");
    auto result = run(io, client.send_raw("localhost", server.port(), request, 5s));
    // localhost may resolve to ::1 first: the client tries every address.
    CHECK_FALSE(result.error);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].find("Host: localhost:" + server.port() + "\r\n") !=
          std::string::npos);
}
