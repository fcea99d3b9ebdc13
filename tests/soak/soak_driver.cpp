// soak_driver: mixed load against a running hello-skill + persistence-stub
// (started by tests/soak/run.sh), then the checks of docs/operations.md "Soak":
//   - every valid invocation answered correctly (HELLO_INTENT_REPROMPT name=N,
//     then HELLO_INTENT, both "Hello, N! ..."), and never with a 5xx;
//   - malformed, oversize, stalled and abruptly closed requests get 4xx or a
//     closed connection, never a 5xx;
//   - the skill's RSS grows < 10 % between the end of warm-up and the end;
//   - its file descriptors (other than pooled connections to the persistence
//     service) return to the pre-load baseline;
//   - afterwards the stub holds every user's last stored name.
// Everything runs on one io_context thread with a fixed number of clients.
#include "jwt.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct Options {
    std::uint16_t skill_port = 0;
    std::uint16_t stub_port = 0;
    int skill_pid = 0;
    std::chrono::seconds duration{60};
    unsigned valid_clients = 8;
    unsigned users_per_client = 8;
    unsigned stall_clients = 4;
    std::size_t max_request_size = 64 * 1024;  // the skill's SKILL_MAX_REQUEST_SIZE
    milliseconds read_timeout{2000};           // the skill's HTTP_READ_TIMEOUT
    std::string api_base = "/v1/hello";
    std::string skill_id = "hello";
};

// ---------------------------------------------------------------- statistics

struct Row {
    std::uint64_t sent = 0, ok = 0, failed = 0;
};

struct Stats {
    std::map<std::string, Row> rows;  // scenario -> counts
    std::uint64_t valid_5xx = 0;
    std::vector<std::string> problems;  // the first few failures, verbatim

    void ok(const std::string& scenario) {
        ++rows[scenario].sent;
        ++rows[scenario].ok;
    }
    void fail(const std::string& scenario, const std::string& what) {
        ++rows[scenario].sent;
        ++rows[scenario].failed;
        if (problems.size() < 20) problems.push_back(scenario + ": " + what);
    }
};

// ---------------------------------------------------------------- /proc

std::size_t rss_kib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    }
    return 0;
}

// TCP sockets by inode: "local -> remote STATE" (ports and the state in hex, as
// /proc/net/tcp has them), and the remote port.
struct TcpSocket {
    std::string text;
    unsigned remote_port = 0;
};

std::map<std::string, TcpSocket> tcp_sockets() {
    std::map<std::string, TcpSocket> sockets;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
            fields >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
            const auto colon = remote.rfind(':');
            if (colon == std::string::npos) continue;
            TcpSocket s{local.substr(local.rfind(':') + 1) + " -> " + remote.substr(colon + 1) +
                        " state " + st};
            std::from_chars(remote.data() + colon + 1, remote.data() + remote.size(), s.remote_port, 16);
            sockets[inode] = s;
        }
    }
    return sockets;
}

struct Fds {
    std::size_t total = 0;
    std::size_t pooled = 0;           // connections to the persistence service
    std::set<std::string> others;     // "fd: target", for the report
    std::size_t other() const { return total - pooled; }
};

// The skill's pooled connections to the persistence service are counted apart:
// their number legitimately varies with load (up to the pool size per thread).
Fds count_fds(int pid, std::uint16_t stub_port) {
    Fds fds;
    const auto sockets = tcp_sockets();
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        ++fds.total;
        std::error_code lec;
        std::string target = std::filesystem::read_symlink(e.path(), lec).string();
        if (target.rfind("socket:[", 0) == 0) {
            auto it = sockets.find(target.substr(8, target.size() - 9));
            if (it != sockets.end() && it->second.remote_port == stub_port) {
                ++fds.pooled;
                continue;
            }
            if (it != sockets.end()) target += " tcp " + it->second.text;
        }
        fds.others.insert(e.path().filename().string() + ": " + target);
    }
    return fds;
}

// ---------------------------------------------------------------- HTTP

struct Reply {
    beast::error_code ec;  // set: no complete answer (closed, reset, timeout)
    int status = 0;
    std::string body;
};

asio::awaitable<beast::error_code> connect(beast::tcp_stream& stream, std::uint16_t port) {
    stream.expires_after(2s);
    const tcp::endpoint to(asio::ip::address_v4::loopback(), port);
    auto [ec] = co_await stream.async_connect(to, use_tuple);
    co_return ec;
}

asio::awaitable<Reply> read_reply(beast::tcp_stream& stream, milliseconds timeout) {
    Reply r;
    stream.expires_after(timeout);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    r.ec = ec;
    if (!ec) {
        r.status = static_cast<int>(parser.get().result_int());
        r.body = std::move(parser.get().body());
    }
    co_return r;
}

asio::awaitable<Reply> exchange(beast::tcp_stream& stream, http::request<http::string_body>& req,
                                milliseconds timeout = 10s) {
    req.prepare_payload();
    stream.expires_after(timeout);
    auto [ec, n] = co_await http::async_write(stream, req, use_tuple);
    if (ec) {
        Reply r;
        r.ec = ec;
        co_return r;
    }
    co_return co_await read_reply(stream, timeout);
}

asio::awaitable<beast::error_code> send_raw(beast::tcp_stream& stream, const std::string& bytes) {
    stream.expires_after(5s);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), use_tuple);
    co_return ec;
}

http::request<http::string_body> post(const std::string& target, std::string body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

std::string invocation(const std::string& intent, const std::string& token,
                       const std::optional<std::string>& name) {
    json::object context{{"intent", intent}, {"locale", "en"}, {"tokens", {{"cvi", token}}}};
    if (name) context["attributes"] = {{"name", json::array{json::value(*name)}}};
    return json::serialize(json::object{{"context", std::move(context)}, {"spiVersion", "1.4.1"}});
}

// ---------------------------------------------------------------- the load

struct Shared {
    Options opt;
    Stats stats;
    Clock::time_point deadline;
};

struct User {
    std::string id;
    std::string token;
    std::set<std::string> acceptable;  // what the stub may hold for this user at the end
};

std::string greeting(const std::string& name) { return "Hello, " + name + "! It's awesome today!"; }

// Checks one answer to a valid invocation; returns an empty string when it is right.
std::string judge(const Reply& r, const std::string& expected_text, Stats& stats) {
    if (r.ec) return "no answer: " + r.ec.message();
    if (r.status >= 500) ++stats.valid_5xx;
    if (r.status != 200) return "status " + std::to_string(r.status) + ": " + r.body.substr(0, 200);
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    const auto* text = !ec && v.is_object() ? v.as_object().if_contains("text") : nullptr;
    if (!text || !text->is_string() || text->as_string() != expected_text)
        return "unexpected answer " + r.body.substr(0, 200) + " (wanted \"" + expected_text + "\")";
    return {};
}

// One keep-alive client: per user, store a fresh unique name, then read it back.
asio::awaitable<void> valid_client(Shared& sh, std::vector<User>& users) {
    auto ex = co_await asio::this_coro::executor;
    std::optional<beast::tcp_stream> stream;
    unsigned used = 0;
    for (std::uint64_t round = 0; Clock::now() < sh.deadline; ++round) {
        User& u = users[round % users.size()];
        if (!stream || used >= 200) {  // reconnect now and then: accept path under load too
            stream.emplace(ex);
            used = 0;
            if (auto ec = co_await connect(*stream, sh.opt.skill_port)) {
                sh.stats.fail("valid", "connect: " + ec.message());
                stream.reset();
                continue;
            }
        }
        const std::string name = "N-" + u.id + "-" + std::to_string(round);
        u.acceptable.insert(name);  // the set may land even if the answer is lost
        auto set_req = post(sh.opt.api_base, invocation("HELLO_INTENT_REPROMPT", u.token, name));
        Reply set = co_await exchange(*stream, set_req);
        std::string problem = judge(set, greeting(name), sh.stats);
        if (problem.empty()) {
            u.acceptable = {name};
            sh.stats.ok("valid");
            auto get_req = post(sh.opt.api_base, invocation("HELLO_INTENT", u.token, std::nullopt));
            Reply get = co_await exchange(*stream, get_req);
            problem = judge(get, greeting(name), sh.stats);
            if (problem.empty()) sh.stats.ok("valid");
        }
        if (!problem.empty()) {
            sh.stats.fail("valid", problem);
            stream.reset();
        }
        used += 2;
    }
}

struct Junk {
    std::string name;
    std::string bytes;        // a whole request as sent
    std::set<int> statuses;   // acceptable answers
    bool close_ok = false;    // the server may close instead of answering
};

std::string raw_post(const std::string& target, const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::vector<Junk> junk_requests(const Options& opt) {
    const std::string base = opt.api_base;
    std::string deep(200, '[');
    deep += std::string(200, ']');
    const std::string big_name(opt.max_request_size + 1024, 'x');
    const std::string oversize = invocation("HELLO_INTENT", "t", big_name);
    return {
        {"malformed", raw_post(base, "{{{ not json"), {400}},
        {"malformed", raw_post(base, R"({"context":{"intent":"HELLO_INTENT")"), {400}},
        {"malformed", raw_post(base, R"({"context":[]})"), {400}},
        {"malformed", raw_post(base, R"({"context":{"intent":"HELLO_INTENT","locale":"de"}})"), {400}},
        {"malformed", raw_post(base, "[]"), {400}},
        {"malformed", raw_post(base, ""), {400}},
        {"malformed", raw_post(base, "{\"context\":{\"intent\":\"\xff\xfe\"}}"), {400}},
        {"malformed", raw_post(base, deep), {400}},
        {"malformed-http", "GARBAGE / NOPE\r\n\r\n", {400}, true},
        {"malformed-http", "POST " + base + " HTTP/1.1\r\nContent-Length: -5\r\n\r\n", {400}, true},
        {"oversize", raw_post(base, oversize), {413}, true},
        {"oversize", "GET /k8s/liveness HTTP/1.1\r\nX-Big: " + std::string(16 * 1024, 'h') + "\r\n\r\n",
         {431}, true},
    };
}

// Malformed and oversize requests on fresh connections: 4xx (or a close where
// the server may cut the connection), never a 5xx, never a hang.
asio::awaitable<void> junk_client(Shared& sh) {
    auto ex = co_await asio::this_coro::executor;
    const auto junk = junk_requests(sh.opt);
    asio::steady_timer pause(ex);
    for (std::size_t i = 0; Clock::now() < sh.deadline; ++i) {
        pause.expires_after(2ms);  // bounded rate: the valid invocations stay the bulk
        (void)co_await pause.async_wait(use_tuple);
        const Junk& j = junk[i % junk.size()];
        beast::tcp_stream stream(ex);
        if (auto ec = co_await connect(stream, sh.opt.skill_port)) {
            sh.stats.fail(j.name, "connect: " + ec.message());
            continue;
        }
        auto wec = co_await send_raw(stream, j.bytes);
        Reply r = co_await read_reply(stream, 10s);
        if (!r.ec && j.statuses.count(r.status)) {
            sh.stats.ok(j.name);
        } else if (r.ec && j.close_ok && r.ec != beast::error::timeout) {
            sh.stats.ok(j.name);  // cut off (e.g. reset while the oversize body was still sent)
        } else {
            sh.stats.fail(j.name, r.ec ? "no answer: " + r.ec.message() + (wec ? " (write: " + wec.message() + ")" : "")
                                       : "status " + std::to_string(r.status));
        }
    }
}

// Slow clients: half a request, then silence. The server must cut them off
// within its read timeout (plus slack), not hold the connection forever.
asio::awaitable<void> stall_client(Shared& sh, unsigned index) {
    auto ex = co_await asio::this_coro::executor;
    const std::string partial[] = {
        "POST " + sh.opt.api_base + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
        "POST " + sh.opt.api_base + " HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"context\":",
        "G",
    };
    for (std::size_t i = index; Clock::now() < sh.deadline; ++i) {
        beast::tcp_stream stream(ex);
        if (auto ec = co_await connect(stream, sh.opt.skill_port)) {
            sh.stats.fail("stalled", "connect: " + ec.message());
            continue;
        }
        (void)co_await send_raw(stream, partial[i % std::size(partial)]);
        const auto started = Clock::now();
        Reply r = co_await read_reply(stream, sh.opt.read_timeout + 3s);
        if (r.ec == beast::error::timeout) {
            sh.stats.fail("stalled", "not cut off after " +
                                         std::to_string((Clock::now() - started) / 1ms) + " ms");
        } else {
            sh.stats.ok("stalled");  // closed (or answered 4xx) by the server
        }
    }
}

void abort_connection(beast::tcp_stream& stream) {
    // SO_LINGER 0: close() sends RST, like a client that crashed.
    beast::error_code ec;
    stream.socket().set_option(asio::socket_base::linger(true, 0), ec);
    stream.socket().close(ec);
}

// Clients that vanish: mid-request, right after a request, mid-answer, or at once.
// Their users ("gone-*") are not checked in the stub: their writes may or may not land.
asio::awaitable<void> disconnect_client(Shared& sh) {
    auto ex = co_await asio::this_coro::executor;
    const std::string token = skill::stub::make_dev_token("gone-user", sh.opt.skill_id);
    const std::string full = raw_post(sh.opt.api_base, invocation("HELLO_INTENT_REPROMPT", token, "Gone"));
    const std::string half = full.substr(0, full.size() / 2);
    asio::steady_timer pause(ex);
    for (std::size_t i = 0; Clock::now() < sh.deadline; ++i) {
        beast::tcp_stream stream(ex);
        if (auto ec = co_await connect(stream, sh.opt.skill_port)) {
            sh.stats.fail("disconnect", "connect: " + ec.message());
            continue;
        }
        switch (i % 4) {
            case 0: (void)co_await send_raw(stream, half); break;
            case 1: (void)co_await send_raw(stream, full); break;
            case 2: {
                (void)co_await send_raw(stream, full);
                pause.expires_after(5ms);  // let the answer start
                (void)co_await pause.async_wait(use_tuple);
                break;
            }
            default: break;
        }
        abort_connection(stream);
        sh.stats.ok("disconnect");
        pause.expires_after(5ms);  // bounded rate: these are a side show
        (void)co_await pause.async_wait(use_tuple);
    }
}

// Once a second: the skill's RSS, remembered at the end of warm-up and at its peak.
// (A named coroutine, not a lambda: a temporary closure would die before its frame.)
asio::awaitable<void> sample_rss(Shared& sh, Clock::time_point warm_at, std::size_t& warm,
                                 std::vector<std::size_t>& series) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (auto at = Clock::now() + 1s; at < sh.deadline; at += 1s) {
        timer.expires_at(at);
        co_await timer.async_wait(asio::use_awaitable);
        const auto rss = rss_kib(sh.opt.skill_pid);
        series.push_back(rss);
        if (!warm && Clock::now() >= warm_at) warm = rss;
    }
}

// Before the baseline: a few requests over several connections, so that every
// I/O thread has created its reactor (epoll, eventfd, timerfd: once per thread,
// not a leak) before the fds are counted.
asio::awaitable<void> prime(Shared& sh) {
    auto ex = co_await asio::this_coro::executor;
    const std::string token = skill::stub::make_dev_token("prime-user", sh.opt.skill_id);
    for (int i = 0; i < 8; ++i) {
        beast::tcp_stream stream(ex);
        if (auto ec = co_await connect(stream, sh.opt.skill_port)) continue;
        auto req = post(sh.opt.api_base, invocation("HELLO_INTENT", token, std::nullopt));
        (void)co_await exchange(stream, req);
    }
    asio::steady_timer settle(ex, 500ms);  // the server sees the closes
    co_await settle.async_wait(asio::use_awaitable);
}

// ---------------------------------------------------------------- checks

struct Check {
    std::string name, value, limit;
    bool pass = false;
};

// After the load: the stub must hold each user's last confirmed name.
asio::awaitable<void> verify_stub(Shared& sh, std::vector<std::vector<User>>& users, Check& check) {
    auto ex = co_await asio::this_coro::executor;
    std::size_t total = 0, good = 0;
    for (auto& group : users) {
        for (auto& u : group) {
            if (u.acceptable.empty()) continue;  // never got a turn
            ++total;
            beast::tcp_stream stream(ex);
            if (auto ec = co_await connect(stream, sh.opt.stub_port)) {
                sh.stats.problems.push_back("stub: connect: " + ec.message());
                continue;
            }
            http::request<http::string_body> req{http::verb::get, "/v1/persistence/entry/data", 11};
            req.set(http::field::host, "127.0.0.1");
            req.set(http::field::authorization, "Bearer " + u.token);
            Reply r = co_await exchange(stream, req);
            boost::system::error_code ec;
            auto v = r.ec || r.status != 200 ? json::value() : json::parse(r.body, ec);
            const auto* name = !ec && v.is_object() ? v.as_object().if_contains("name") : nullptr;
            if (name && name->is_string() && u.acceptable.count(std::string(name->as_string()))) {
                ++good;
            } else if (sh.stats.problems.size() < 40) {
                sh.stats.problems.push_back("stub: user " + u.id + " holds " +
                                            (r.ec ? r.ec.message() : std::to_string(r.status) + " " + r.body));
            }
        }
    }
    check = {"stub data complete", std::to_string(good) + "/" + std::to_string(total) + " users",
             "all", total > 0 && good == total};
}

std::string pct(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f %%", v);
    return buf;
}

void print_report(const Shared& sh, const std::vector<Check>& checks) {
    std::printf("\n%-16s %10s %10s %10s\n", "scenario", "sent", "ok", "failed");
    for (const auto& [name, row] : sh.stats.rows)
        std::printf("%-16s %10llu %10llu %10llu\n", name.c_str(),
                    static_cast<unsigned long long>(row.sent), static_cast<unsigned long long>(row.ok),
                    static_cast<unsigned long long>(row.failed));
    std::printf("\n%-28s %-28s %-14s %s\n", "check", "value", "limit", "result");
    for (const auto& c : checks)
        std::printf("%-28s %-28s %-14s %s\n", c.name.c_str(), c.value.c_str(), c.limit.c_str(),
                    c.pass ? "PASS" : "FAIL");
    if (!sh.stats.problems.empty()) {
        std::printf("\nfirst problems:\n");
        for (const auto& p : sh.stats.problems) std::printf("  %s\n", p.c_str());
    }
}

// ---------------------------------------------------------------- main

template <class T>
bool number(const char* text, T& out) {
    const std::string_view s(text);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size();
}

std::optional<Options> parse_args(int argc, char** argv) {
    Options o;
    long seconds = 60, read_ms = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const char* v = argv[i + 1];
        bool ok = flag == "--skill-port"         ? number(v, o.skill_port)
                  : flag == "--stub-port"        ? number(v, o.stub_port)
                  : flag == "--skill-pid"        ? number(v, o.skill_pid)
                  : flag == "--seconds"          ? number(v, seconds)
                  : flag == "--clients"          ? number(v, o.valid_clients)
                  : flag == "--max-request-size" ? number(v, o.max_request_size)
                  : flag == "--read-timeout-ms"  ? number(v, read_ms)
                                                 : false;
        if (!ok) return std::nullopt;
    }
    if (argc % 2 == 0 || !o.skill_port || !o.stub_port || !o.skill_pid || seconds < 1 ||
        o.valid_clients < 1)
        return std::nullopt;
    o.duration = std::chrono::seconds(seconds);
    o.read_timeout = milliseconds(read_ms);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    auto opt = parse_args(argc, argv);
    if (!opt) {
        std::cerr << "usage: soak_driver --skill-port P --stub-port P --skill-pid PID [--seconds 60]\n"
                     "       [--clients 8] [--max-request-size 65536] [--read-timeout-ms 2000]\n";
        return 2;
    }
    Shared sh{*opt, {}, {}};
    asio::io_context io{1};

    std::vector<std::vector<User>> users(opt->valid_clients);
    for (unsigned c = 0; c < opt->valid_clients; ++c)
        for (unsigned k = 0; k < opt->users_per_client; ++k) {
            const std::string id = "soak-" + std::to_string(c) + "-" + std::to_string(k);
            users[c].push_back({id, skill::stub::make_dev_token(id, opt->skill_id), {}});
        }

    asio::co_spawn(io, prime(sh), asio::detached);
    io.run();
    io.restart();
    const Fds fd_before = count_fds(opt->skill_pid, opt->stub_port);
    const auto warmup = std::max<Clock::duration>(opt->duration / 4, 2s);
    const auto start = Clock::now();
    sh.deadline = start + opt->duration;
    std::size_t rss_warm = 0;
    std::vector<std::size_t> rss_series;

    auto spawn = [&](asio::awaitable<void> a) {
        asio::co_spawn(io, std::move(a), [&](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                sh.stats.fail("driver", x.what());
            }
        });
    };
    for (auto& group : users) spawn(valid_client(sh, group));
    spawn(junk_client(sh));
    spawn(disconnect_client(sh));
    for (unsigned i = 0; i < opt->stall_clients; ++i) spawn(stall_client(sh, i));
    spawn(sample_rss(sh, start + warmup, rss_warm, rss_series));
    io.run();
    const auto load_end = Clock::now();
    const std::size_t rss_end = rss_kib(opt->skill_pid);

    // Connections of stalled / vanished clients close within the read timeout.
    Fds fd_after = count_fds(opt->skill_pid, opt->stub_port);
    for (auto until = Clock::now() + opt->read_timeout + 5s;
         fd_after.other() > fd_before.other() && Clock::now() < until;
         fd_after = count_fds(opt->skill_pid, opt->stub_port))
        std::this_thread::sleep_for(100ms);

    if (fd_after.other() > fd_before.other()) {
        for (const auto& fd : fd_after.others)
            if (!fd_before.others.count(fd)) sh.stats.problems.push_back("extra fd " + fd);
    }

    std::vector<Check> checks;
    std::uint64_t valid_ok = sh.stats.rows["valid"].ok, valid_failed = sh.stats.rows["valid"].failed;
    checks.push_back({"valid invocations correct",
                      std::to_string(valid_ok) + " ok, " + std::to_string(valid_failed) + " failed",
                      "0 failed", valid_failed == 0 && valid_ok > 0});
    checks.push_back({"5xx for valid input", std::to_string(sh.stats.valid_5xx), "0", sh.stats.valid_5xx == 0});
    std::uint64_t other_failed = 0;
    for (const auto& [name, row] : sh.stats.rows)
        if (name != "valid") other_failed += row.failed;
    checks.push_back({"bad input handled (4xx/close)", std::to_string(other_failed) + " failed", "0",
                      other_failed == 0});
    const double growth = rss_warm ? 100.0 * (double(rss_end) - double(rss_warm)) / double(rss_warm) : 0;
    checks.push_back({"RSS growth after warm-up",
                      std::to_string(rss_warm) + " -> " + std::to_string(rss_end) +
                          " KiB (" + pct(growth) + ")",
                      "< +10 %", rss_warm > 0 && growth < 10.0});
    checks.push_back({"fds back to baseline",
                      std::to_string(fd_before.other()) + " -> " + std::to_string(fd_after.other()) +
                          " (+" + std::to_string(fd_after.pooled) + " pooled)",
                      "<= baseline", fd_after.other() <= fd_before.other()});

    Check stub_check{"stub data complete", "", "all", false};
    spawn(verify_stub(sh, users, stub_check));
    io.restart();
    io.run();
    checks.push_back(stub_check);

    const double secs = std::chrono::duration<double>(load_end - start).count();
    std::uint64_t total = 0;
    for (const auto& [name, row] : sh.stats.rows) total += row.sent;
    std::printf("soak: %.1f s of load, %llu requests (%.0f/s)\nRSS of the skill, KiB, once a second:",
                secs, static_cast<unsigned long long>(total), double(total) / secs);
    for (auto kib : rss_series) std::printf(" %zu", kib);
    std::printf("\n");
    print_report(sh, checks);
    for (const auto& c : checks)
        if (!c.pass) {
            std::printf("\nSOAK FAILED: %s\n", c.name.c_str());
            return 1;
        }
    std::printf("\nload checks passed\n");
    return 0;
}
