// Every limit of the skill server taken one step over (and exactly at it):
// header bytes, body bytes, connections, requests per connection, read
// timeout (slow-loris), idle timeout, JSON depth. docs/operations.md lists them.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <skill/skill.hpp>
#include <thread>

#include "engine_impl.hpp"
#include "loopback_settings.hpp"
#include "process.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

#include <skill/net/http_server.hpp>

#include <csignal>
#include <memory>
#include <regex>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

runtime::Settings settings() { return test::loopback_settings(); }

struct Server {
    Engine app;
    std::uint16_t port;
    explicit Server(runtime::Settings s)
        : app((log::configure(log::Level::off, log::Format::json), runtime::make_engine(std::move(s), registry()))),
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

namespace {

// Raw sockets and poll(2) for the fd-limit tests: a blocking Asio read would
// wait forever for a connection stuck in the backlog.
int connect_and_ask(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const std::string req = "GET /k8s/liveness HTTP/1.1\r\nHost: x\r\n\r\n";
    REQUIRE(::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
    return fd;
}

/// The status of the answer on `fd` within `wait`, or 0 when none came.
int answer_status(int fd, std::chrono::milliseconds wait) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return 0;
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 12 || std::string_view(buf, 9) != "HTTP/1.1 ") return 0;
    return std::stoi(std::string(buf + 9, 3));
}

}  // namespace

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
    std::vector<int> clients;
    int ok = 0, refused = 0, unanswered = 0;
    for (int i = 0; i < 80 && unanswered == 0; ++i) {
        clients.push_back(connect_and_ask(port));  // kept open
        const int status = answer_status(clients.back(), 3s);
        ok += status == 200;
        refused += status == 503;
        unanswered += status == 0;
    }
    CHECK(unanswered == 0);
    CHECK(refused > 0);
    CHECK(ok == limit);
    CHECK(refused == 80 - limit);
    for (int fd : clients) ::close(fd);
    // Slots freed: served again.
    bool served_again = false;
    for (auto deadline = std::chrono::steady_clock::now() + 5s;
         !served_again && std::chrono::steady_clock::now() < deadline;) {
        const int fd = connect_and_ask(port);
        served_again = answer_status(fd, 1s) == 200;
        ::close(fd);
        if (!served_again) std::this_thread::sleep_for(50ms);
    }
    CHECK(served_again);
    server.signal(SIGTERM);
    CHECK(server.wait(10s) == 0);
}

// When accept(2) fails anyway (EMFILE: here a server told to keep no reserve),
// the server pauses on a timer, logs once, and accepts the waiting connection
// as soon as a descriptor is free again.
TEST_CASE("connections: at EMFILE the server pauses accepting, logs once, and serves again") {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {  // the server, under a 64-descriptor limit
        ::dup2(out[1], 2);
        ::close(out[0]);
        ::close(out[1]);
        rlimit rl{64, 64};
        ::setrlimit(RLIMIT_NOFILE, &rl);
        try {
            log::configure(log::Level::info, log::Format::json);
            net::ServerOptions options;
            options.threads = 1;
            options.limits.reserved_fds = 0;  // the limit is the fd limit itself: EMFILE first
            net::HttpServer server(options, [](net::Request& req) -> net::Awaitable<net::Response> {
                co_return net::json_response(req, net::http::status::ok, "{}");
            });
            server.drain_on_signal();
            const auto port = server.start();
            log::info("test", "listening", {{"port", static_cast<std::int64_t>(port)}});
            log::flush();
            server.wait();
            log::flush();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(0);
    }
    struct KillOnExit {  // a failed REQUIRE must not leave the server running
        pid_t pid;
        bool reaped = false;
        ~KillOnExit() {
            if (!reaped) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
        }
    } guard{pid};
    ::close(out[1]);
    ::fcntl(out[0], F_SETFL, O_NONBLOCK);
    std::string log;
    auto pump = [&](std::chrono::milliseconds wait) {
        pollfd p{out[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
        char buf[4096];
        for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) log.append(buf, static_cast<std::size_t>(n));
    };
    std::smatch m;
    const std::regex listening(R"re("message":"listening","port":(\d+))re");
    for (int i = 0; i < 100 && !std::regex_search(log, m, listening); ++i) pump(100ms);
    REQUIRE(std::regex_search(log, m, listening));
    const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));

    std::vector<int> served;
    int waiting = -1;
    for (int i = 0; i < 80 && waiting < 0; ++i) {
        const int fd = connect_and_ask(port);
        if (answer_status(fd, 500ms) == 200)
            served.push_back(fd);  // kept open
        else
            waiting = fd;  // in the backlog: accept(2) failed with EMFILE
    }
    pump(10ms);
    INFO(log);
    REQUIRE(waiting >= 0);
    CHECK(served.size() > 40);
    CHECK(served.size() < 64);
    std::this_thread::sleep_for(300ms);  // several 50 ms pauses, one log line
    for (int i = 0; i < 5; ++i) {        // free five descriptors
        ::close(served.back());
        served.pop_back();
    }
    CHECK(answer_status(waiting, 3s) == 200);  // the waiting request, answered once accepted
    CHECK(test::http_request(port, "GET", "/y").status == 200);

    for (int fd : served) ::close(fd);
    ::close(waiting);
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    guard.reaped = true;
    pump(100ms);
    ::close(out[0]);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    auto count = [&log](const std::string& message) {
        std::size_t n = 0;
        for (auto at = log.find(message); at != std::string::npos; at = log.find(message, at + 1)) ++n;
        return n;
    };
    INFO(log);
    CHECK(count("\"message\":\"accept failed: pausing\"") == 1);
    CHECK(count("\"message\":\"accepting again\"") == 1);
}
