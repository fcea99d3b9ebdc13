// The generic HTTP server on a real loopback socket: keep-alive, pipelining,
// limits, timeouts, connection cap and graceful drain.
#include <catch2/catch.hpp>
#include <skill/log.hpp>
#include <skill/net/http_server.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "test_http.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

struct Fixture {
    std::atomic<int> handled{0};
    net::HttpServer server;

    explicit Fixture(net::ServerLimits limits = {}, unsigned threads = 2)
        : server(net::ServerOptions{"127.0.0.1", 0, threads, limits, "test", {}, {}},
                 [this](net::Request& req) { return handle(req); }) {
        log::configure(log::Level::off, log::Format::json);
        server.start();
    }

    // "/sleep/N" waits N ms before answering; "/field" answers the X-Echo field's value;
    // everything else echoes method, target and body.
    net::Awaitable<net::Response> handle(net::Request& req) {
        std::string target(req.target());
        if (target == "/field")
            co_return net::json_response(req, net::http::status::ok, std::string(req["X-Echo"]));
        if (target.rfind("/sleep/", 0) == 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(std::chrono::milliseconds(std::stoi(target.substr(7))));
            co_await timer.async_wait(asio::use_awaitable);
        }
        ++handled;
        co_return net::json_response(req, net::http::status::ok,
                                     std::string(req.method_string()) + " " + target + " " + req.body());
    }
    std::uint16_t port() const { return server.port(); }
};

}  // namespace

TEST_CASE("keep-alive: many requests on one connection") {
    Fixture f;
    test::RawClient client(f.port());
    for (int i = 0; i < 200; ++i) {
        auto res = client.request("POST", "/echo/" + std::to_string(i), "body" + std::to_string(i));
        REQUIRE(res.status == 200);
        REQUIRE(res.body == "POST /echo/" + std::to_string(i) + " body" + std::to_string(i));
        REQUIRE(res.keep_alive);
    }
    REQUIRE(f.handled == 200);
}

TEST_CASE("keep-alive: each request's fields are its own, small or larger than the arena") {
    // A connection's requests share one arena for their fields (net/field_arena.hpp),
    // reset between them; a header larger than it spills over to the heap.
    Fixture f;
    test::RawClient client(f.port());
    for (std::size_t size : {10, 5000, 3, 2900, 7000, 1}) {  // all under the 8 KiB header limit
        const std::string value(size, static_cast<char>('a' + size % 26));
        client.send("GET /field HTTP/1.1\r\nHost: x\r\nX-Echo: " + value + "\r\n\r\n");
        auto res = client.read();
        REQUIRE(res.status == 200);
        REQUIRE(res.body == value);
        REQUIRE(res.keep_alive);
    }
}

TEST_CASE("pipelined requests are answered in order") {
    Fixture f;
    test::RawClient client(f.port());
    std::string batch;
    for (int i = 0; i < 10; ++i)
        batch += "GET /p/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send(batch);
    for (int i = 0; i < 10; ++i) REQUIRE(client.read().body == "GET /p/" + std::to_string(i) + " ");
}

TEST_CASE("concurrent connections are all served") {
    Fixture f;
    std::vector<std::future<int>> results;
    for (int c = 0; c < 16; ++c) {
        results.push_back(std::async(std::launch::async, [&f, c] {
            test::RawClient client(f.port());
            int ok = 0;
            for (int i = 0; i < 25; ++i)
                ok += client.request("GET", "/sleep/1?c=" + std::to_string(c)).status == 200;
            return ok;
        }));
    }
    int total = 0;
    for (auto& r : results) total += r.get();
    REQUIRE(total == 16 * 25);
}

TEST_CASE("a body over the limit gets 413, one byte under is served") {
    net::ServerLimits limits;
    limits.max_body_bytes = 100;
    Fixture f(limits);
    REQUIRE(test::http_request(f.port(), "POST", "/b", std::string(100, 'x')).status == 200);
    auto res = test::http_request(f.port(), "POST", "/b", std::string(101, 'x'));
    REQUIRE(res.status == 413);
    REQUIRE(res.body.find("101") == std::string::npos);  // detail names the limit
    REQUIRE(res.body.find("100 bytes") != std::string::npos);
    REQUIRE(f.handled == 1);
    // chunked bodies are held to the same limit
    test::RawClient client(f.port());
    client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" +
                std::string(101, 'y') + "\r\n0\r\n\r\n");
    REQUIRE(client.read().status == 413);
}

TEST_CASE("headers over the limit get 431") {
    net::ServerLimits limits;
    limits.max_header_bytes = 1024;
    Fixture f(limits);
    auto res = test::http_request(f.port(), "GET", "/h", {}, "X-Big: " + std::string(2000, 'a') + "\r\n");
    REQUIRE(res.status == 431);
    REQUIRE(test::http_request(f.port(), "GET", "/h").status == 200);  // still serving
}

TEST_CASE("garbage gets 400 and the server keeps serving") {
    Fixture f;
    test::RawClient client(f.port());
    client.send("THIS IS NOT HTTP\r\n\r\n");
    REQUIRE(client.read().status == 400);
    REQUIRE(test::http_request(f.port(), "GET", "/ok").status == 200);
}

// Request smuggling (RFC 9112 6.1, 6.3): a Transfer-Encoding the server does not
// frame by (anything but a single "chunked"), or one next to Content-Length,
// is answered 400 and the connection closed: the bytes after the header are
// never read as a request of their own.
TEST_CASE("Transfer-Encoding other than a single chunked: 400, close, nothing smuggled") {
    const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    const char* variants[] = {
        "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: identity\r\n",
        "Transfer-Encoding: chunked, gzip\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: \r\n",
        "Transfer-Encoding: gzip\r\nContent-Length: 0\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    };
    Fixture f;
    for (const char* te : variants) {
        INFO(te);
        test::RawClient client(f.port(), 2s);
        // A chunked reading of the body ends after "0\r\n\r\n"; any other reading
        // leaves the smuggled request behind it.
        client.send("POST /first HTTP/1.1\r\nHost: x\r\n" + std::string(te) + "\r\n0\r\n\r\n" +
                    smuggled);
        CHECK(client.read().status == 400);
        CHECK(client.closed_by_peer());
    }
    CHECK(f.handled == 0);
    REQUIRE(test::http_request(f.port(), "GET", "/ok").status == 200);  // still serving
}

TEST_CASE("Transfer-Encoding: chunked (any case) is read as a chunked body") {
    Fixture f;
    test::RawClient client(f.port());
    client.send(
        "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
        "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = client.read();
    REQUIRE(first.status == 200);
    REQUIRE(first.body == "POST /c abcde");
    REQUIRE(client.read().body == "GET /next ");  // a pipelined request after it, as usual
}

TEST_CASE("a client that sends half a request and stalls is cut off") {
    net::ServerLimits limits;
    limits.read_timeout = 300ms;
    Fixture f(limits);
    test::RawClient client(f.port());
    client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"half\":");
    REQUIRE(client.closed_by_peer());
    REQUIRE(f.handled == 0);
    REQUIRE(test::http_request(f.port(), "GET", "/ok").status == 200);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout") {
    net::ServerLimits limits;
    limits.idle_timeout = 200ms;
    Fixture f(limits);
    test::RawClient client(f.port());
    REQUIRE(client.request("GET", "/a").status == 200);
    REQUIRE(client.closed_by_peer());
}

TEST_CASE("timeouts cover reading and writing, not the handler's own time") {
    net::ServerLimits limits;
    limits.read_timeout = 100ms;
    limits.idle_timeout = 100ms;
    limits.write_timeout = 100ms;
    Fixture f(limits);
    test::RawClient client(f.port());
    auto res = client.request("GET", "/sleep/400");  // 4x every timeout, inside the handler
    REQUIRE(res.status == 200);
    REQUIRE(res.keep_alive);
    REQUIRE(client.closed_by_peer());  // then idle: cut off
}

TEST_CASE("requests per connection are capped") {
    net::ServerLimits limits;
    limits.max_requests_per_connection = 3;
    Fixture f(limits);
    test::RawClient client(f.port());
    REQUIRE(client.request("GET", "/1").keep_alive);
    REQUIRE(client.request("GET", "/2").keep_alive);
    REQUIRE_FALSE(client.request("GET", "/3").keep_alive);
    REQUIRE(client.closed_by_peer());
}

TEST_CASE("connections over the cap get 503") {
    net::ServerLimits limits;
    limits.max_connections = 2;
    Fixture f(limits, 1);
    test::RawClient a(f.port()), b(f.port());
    REQUIRE(a.request("GET", "/a").status == 200);
    REQUIRE(b.request("GET", "/b").status == 200);
    test::RawClient c(f.port());
    REQUIRE(c.read().status == 503);
}

TEST_CASE("drain: in-flight requests finish, idle connections close, no request is lost") {
    Fixture f({}, 2);
    test::RawClient idle(f.port());
    REQUIRE(idle.request("GET", "/warm").status == 200);

    std::vector<std::future<test::RawResponse>> in_flight;
    for (int i = 0; i < 8; ++i)
        in_flight.push_back(std::async(std::launch::async, [&f] {
            return test::http_request(f.port(), "GET", "/sleep/300");
        }));
    while (f.server.open_connections() < 9) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(50ms);  // the sleepers are inside their handlers now
    f.server.drain();
    REQUIRE(f.server.draining());

    for (auto& r : in_flight) {
        auto res = r.get();
        REQUIRE(res.status == 200);
        REQUIRE_FALSE(res.keep_alive);  // told to go away
    }
    REQUIRE(idle.closed_by_peer());
    f.server.wait();  // the I/O threads end by themselves
    REQUIRE(f.handled == 9);
    REQUIRE(f.server.open_connections() == 0);
}

TEST_CASE("drain after every connection closed ends the I/O threads at once, not at the sweeper's tick") {
    // Timeouts of minutes put the sweeper's period at its 1 s ceiling: a drain that left
    // it armed would hold the threads (and a stopping process) for up to that second.
    net::ServerLimits limits;
    limits.read_timeout = limits.idle_timeout = limits.write_timeout = std::chrono::minutes(5);
    Fixture f(limits, 1);
    REQUIRE(test::http_request(f.port(), "GET", "/once").status == 200);  // connection closed after
    while (f.server.open_connections() != 0) std::this_thread::sleep_for(1ms);
    const auto start = std::chrono::steady_clock::now();
    f.server.drain();
    f.server.wait();
    CHECK(std::chrono::steady_clock::now() - start < 500ms);  // a bound, not a benchmark
}
