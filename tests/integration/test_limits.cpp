// Every limit of the skill server taken one step over (and exactly at it):
// header bytes, body bytes, connections, requests per connection, read
// timeout (slow-loris), idle timeout, JSON depth. docs/operations.md lists them.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <skill/skill.hpp>
#include <thread>

#include "app.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

#include <csignal>
#include <memory>
#include <regex>
#include <vector>

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

Task<Response> echo(Context&) {
    co_return tell("ok");
}

const IntentRegistry& registry() {
    static IntentRegistry r = [] {
        IntentRegistry r;
        r.add("ECHO", echo);
        return r;
    }();
    return r;
}

runtime::Settings settings() {
    runtime::Settings s;
    s.skill.name = s.skill.id = "test";
    s.skill.api_base = "/v1/test";
    s.http.host = "127.0.0.1";
    s.http.port = 0;
    s.http.threads = 2;
    s.persistence.active = false;
    return s;
}

struct Server {
    runtime::App app;
    std::uint16_t port;
    explicit Server(runtime::Settings s)
        : app((log::configure(log::Level::off, log::Format::json), std::move(s)), registry()),
          port(app.start()) {}
};

/// An invocation whose body is exactly `size` bytes (padded with spaces), with
/// `extra` (e.g. a nested array) as an additional top-level member.
std::string invocation(std::size_t size = 0, const std::string& extra = {}) {
    std::string body = R"({"context":{"intent":"ECHO","locale":"de","tokens":{}})";
    if (!extra.empty()) body += R"(,"extra":)" + extra;
    body += "}";
    if (body.size() < size) body.insert(body.size() - 1, size - body.size(), ' ');
    return body;
}

/// A GET whose header block (request line to the empty line, inclusive) is exactly `size` bytes.
std::string get_with_header_size(std::size_t size) {
    std::string head = "GET /k8s/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ";
    const std::size_t fixed = head.size() + 4;  // "\r\n\r\n"
    REQUIRE(size > fixed);
    return head + std::string(size - fixed, 'p') + "\r\n\r\n";
}

/// `{..., "extra": [[...]]}`: the top-level object plus `depth - 1` arrays.
std::string nested(std::size_t depth) {
    return std::string(depth - 1, '[') + std::string(depth - 1, ']');
}

int code_of(const test::RawResponse& r) {
    return static_cast<int>(json::parse(r.body).at("code").as_int64());
}

}  // namespace

TEST_CASE("header bytes: at the limit served, one byte over 431") {
    auto s = settings();
    s.http.max_header_size = 1024;
    Server server(s);
    {
        test::RawClient c(server.port);
        c.send(get_with_header_size(1024));
        CHECK(c.read().status == 200);
    }
    test::RawClient c(server.port);
    c.send(get_with_header_size(1025));
    auto r = c.read();
    CHECK(r.status == 431);
    CHECK(code_of(r) == 3);
    CHECK(c.closed_by_peer());
}

TEST_CASE("body bytes: at the limit served, one byte over 413") {
    auto s = settings();
    s.skill.max_request_size = 1000;
    Server server(s);
    auto at_limit = test::http_request(server.port, "POST", "/v1/test", invocation(1000));
    CHECK(at_limit.status == 200);
    auto over = test::http_request(server.port, "POST", "/v1/test", invocation(1001));
    CHECK(over.status == 413);
    CHECK(code_of(over) == 3);
}

TEST_CASE("connections: the one over the limit gets 503, a freed slot is reused") {
    auto s = settings();
    s.http.max_connections = 2;
    Server server(s);
    auto a = std::make_unique<test::RawClient>(server.port);
    test::RawClient b(server.port);
    CHECK(a->request("GET", "/k8s/liveness").status == 200);
    CHECK(b.request("GET", "/k8s/liveness").status == 200);
    {
        test::RawClient over(server.port);
        auto r = over.read();  // answered without a request
        CHECK(r.status == 503);
        CHECK(over.closed_by_peer());
    }
    a.reset();  // frees a slot once the server noticed the close
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        std::this_thread::sleep_for(10ms);
        test::RawClient again(server.port);
        again.send("GET /k8s/liveness HTTP/1.1\r\nHost: x\r\n\r\n");
        status = again.read().status;
    }
    CHECK(status == 200);
}

TEST_CASE("requests per connection: the last allowed one closes the connection") {
    auto s = settings();
    s.http.max_requests_per_connection = 3;
    Server server(s);
    test::RawClient c(server.port);
    CHECK(c.request("GET", "/k8s/liveness").keep_alive);
    CHECK(c.request("GET", "/k8s/liveness").keep_alive);
    auto third = c.request("GET", "/k8s/liveness");
    CHECK(third.status == 200);
    CHECK_FALSE(third.keep_alive);
    CHECK(c.closed_by_peer());  // a fourth request would find no connection
}

TEST_CASE("read timeout: a slow-loris client is cut off, a prompt one is served") {
    auto s = settings();
    s.http.read_timeout = 300ms;
    Server server(s);
    {
        // Within the timeout, in two parts: served.
        test::RawClient c(server.port);
        c.send("GET /k8s/liveness HTTP/1.1\r\n");
        std::this_thread::sleep_for(100ms);
        c.send("Host: x\r\n\r\n");
        CHECK(c.read().status == 200);
    }
    // One byte every 50 ms never finishes a request: the whole request must
    // arrive within read_timeout, however steadily the bytes trickle.
    test::RawClient c(server.port);
    const auto started = std::chrono::steady_clock::now();
    std::string request = "GET /k8s/liveness HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    bool cut_off = false;
    for (int i = 0; i < 100 && !cut_off; ++i) {
        try {
            c.send(std::string(1, request[static_cast<std::size_t>(i) % request.size()]));
        } catch (const std::exception&) {
            cut_off = true;  // the server closed the socket: EPIPE / reset
        }
        std::this_thread::sleep_for(50ms);
    }
    CHECK((cut_off || c.closed_by_peer()));
    CHECK(std::chrono::steady_clock::now() - started < 4s);
}

TEST_CASE("idle timeout: a keep-alive connection idle for longer is closed") {
    auto s = settings();
    s.http.idle_timeout = 300ms;
    Server server(s);
    test::RawClient c(server.port, 3s);
    CHECK(c.request("GET", "/k8s/liveness").status == 200);
    std::this_thread::sleep_for(100ms);  // under the limit: still open
    CHECK(c.request("GET", "/k8s/liveness").status == 200);
    const auto idle_from = std::chrono::steady_clock::now();
    CHECK(c.closed_by_peer());  // returns when the server closes (or after 3 s: fails)
    CHECK(std::chrono::steady_clock::now() - idle_from < 2500ms);
}

TEST_CASE("JSON depth: 32 levels accepted, 33 rejected with 400 code 3") {
    Server server(settings());
    auto ok = test::http_request(server.port, "POST", "/v1/test", invocation(0, nested(32)));
    CHECK(ok.status == 200);
    auto deep = test::http_request(server.port, "POST", "/v1/test", invocation(0, nested(33)));
    CHECK(deep.status == 400);
    CHECK(code_of(deep) == 3);
    CHECK(std::string(json::parse(deep.body).at("detail").as_string()).find("deeper than 32") !=
          std::string::npos);
}

TEST_CASE("JSON depth comes from [skill] max_json_depth") {
    auto s = settings();
    s.skill.max_json_depth = 8;
    Server server(s);
    CHECK(test::http_request(server.port, "POST", "/v1/test", invocation(0, nested(8))).status ==
          200);
    CHECK(test::http_request(server.port, "POST", "/v1/test", invocation(0, nested(9))).status ==
          400);
}

// The connection limit never exceeds what the file-descriptor limit allows: a
// server under `ulimit -n 64` with the default max_connections (10'000) answers
// 503 before accept(2) would fail with EMFILE (which left connections waiting
// in the backlog, unanswered).
TEST_CASE("connections: under a low fd limit the one over the effective limit still gets 503") {
    test::TempDir dir;
    const std::string stub = test::built_binary("services/persistence-stub");
    test::ChildProcess server({"/bin/sh", "-c",
                               "ulimit -n 64 && exec '" + stub + "' --port 0 --db '" +
                                   dir.file("stub.db") + "'"});
    const auto port = server.wait_for_port();
    std::smatch m;
    const std::string log = server.output();
    int limit = -1;  // as logged at start
    if (std::regex_search(log, m, std::regex(R"re("message":"connection limit","maxConnections":(\d+))re")))
        limit = std::stoi(m[1]);
    CHECK(limit <= 64 - 16);
    CHECK(limit >= 16);

    // More connections than there are file descriptors: every one gets an answer.
    std::vector<std::unique_ptr<test::RawClient>> clients;
    int ok = 0, refused = 0, unanswered = 0;
    for (int i = 0; i < 80; ++i) {
        auto client = std::make_unique<test::RawClient>(port, 3s);
        try {
            auto res = client->request("GET", "/k8s/liveness");
            if (res.status == 200) ++ok;
            else if (res.status == 503) ++refused;
        } catch (const std::exception&) {
            ++unanswered;
        }
        clients.push_back(std::move(client));  // keep it open
        if (unanswered > 0) break;
    }
    CHECK(unanswered == 0);
    CHECK(refused > 0);
    CHECK(ok == limit);
    CHECK(refused == 80 - limit);
    clients.clear();
    // Slots freed: served again.
    bool served_again = false;
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         !served_again && std::chrono::steady_clock::now() < deadline;) {
        try {
            test::RawClient client(port, 1s);
            served_again = client.request("GET", "/k8s/liveness").status == 200;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(50ms);
        }
    }
    CHECK(served_again);
    server.signal(SIGTERM);
    CHECK(server.wait(10s) == 0);
}
