// The benchmark's ceiling row: the least a Boost.Beast coroutine server can do per
// request (read it whole, answer a fixed JSON body, keep the connection), so it is
// the most any Beast-based skill server can reach on this machine. On a plain
// tcp::socket: beast::tcp_stream's timer per operation costs ~20 % (issue #11), and
// a ceiling must be the fastest correct server, not a comfortable one.
//
//   bench-ceiling [--host H] [--port P] [--threads N] [--upstream PORT]
//
// --upstream PORT: the get+set ceiling (the persistence rows' true limit). Each
// request is answered only after a GET of the user's entry and a POST of a new one
// to the persistence stub on 127.0.0.1:PORT, over a keep-alive connection of the
// session's own, as hello-skill's HELLO_VISIT does; the token is the invocation's
// "cvi" found by a string search, the entry written is fixed and nothing is parsed
// but the HTTP heads: the least any skill can do for that row. (A GET is answered at
// once: run.sh's readiness probe.)
//
// One io_context per thread, each with its own SO_REUSEPORT acceptor, so no
// state is shared between threads. Prints "listening PORT" once bound.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// What hello-skill answers to the TELL row's intent, byte for byte.
constexpr std::string_view body = R"({"type":"TELL","text":"Sorry, I can only say hello."})";

// The persistence calls of the get+set ceiling; empty: a plain ceiling.
struct Upstream {
    tcp::endpoint endpoint;
    std::string get_head;   // up to "Bearer "
    std::string post_head;  // up to "Bearer "
    std::string post_tail;  // the rest of the POST's head, and its body
};
Upstream upstream;

std::string_view token_of(std::string_view invocation) {
    constexpr std::string_view key = R"("cvi":")";
    auto at = invocation.find(key);
    if (at == std::string_view::npos) return {};
    at += key.size();
    auto end = invocation.find('"', at);
    return end == std::string_view::npos ? std::string_view{} : invocation.substr(at, end - at);
}

// One exchange with the stub: the request's bytes out, its answer read whole.
asio::awaitable<bool> call(tcp::socket& socket, beast::flat_buffer& buffer, std::string& wire) {
    auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(wire), use_tuple);
    if (wec) co_return false;
    http::response<http::string_body> res;
    auto [rec, rn] = co_await http::async_read(socket, buffer, res, use_tuple);
    // A user's first GET finds no entry yet: 404, as hello-skill expects.
    co_return !rec && (res.result_int() / 100 == 2 || res.result() == http::status::not_found);
}

asio::awaitable<bool> get_and_set(tcp::socket& socket, beast::flat_buffer& buffer,
                                  std::string& wire, std::string_view token) {
    if (!socket.is_open()) {
        auto [ec] = co_await socket.async_connect(upstream.endpoint, use_tuple);
        if (ec) co_return false;
        socket.set_option(tcp::no_delay(true));
    }
    wire.assign(upstream.get_head).append(token).append("\r\n\r\n");
    if (!co_await call(socket, buffer, wire)) co_return false;
    wire.assign(upstream.post_head).append(token).append(upstream.post_tail);
    co_return co_await call(socket, buffer, wire);
}

asio::awaitable<void> session(tcp::socket stream) {
    stream.set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    tcp::socket stub(stream.get_executor());
    beast::flat_buffer stub_buffer;
    std::string wire;
    for (;;) {
        http::request<http::string_body> req;
        auto [rec, rn] = co_await http::async_read(stream, buffer, req, use_tuple);
        if (rec) break;
        // A GET is the readiness probe: answered at once.
        if (upstream.endpoint.port() != 0 && req.method() == http::verb::post &&
            !co_await get_and_set(stub, stub_buffer, wire, token_of(req.body())))
            break;
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(req.keep_alive());
        res.body() = body;
        res.prepare_payload();
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted) co_return;
        if (!ec)
            asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
}

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    unsigned threads = 1;
    unsigned short upstream = 0;
};

template <class T>
bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i], value = argv[i + 1];
        if (flag == "--host")
            o.host = value;
        else if (flag == "--port" && parse_number(value, o.port))
            continue;
        else if (flag == "--threads" && parse_number(value, o.threads) && o.threads > 0)
            continue;
        else if (flag == "--upstream" && parse_number(value, o.upstream) && o.upstream > 0)
            continue;
        else
            return false;
    }
    return argc % 2 == 1;
}

/// Binds one acceptor per thread on the same port (the first picks it when 0).
tcp::acceptor open_acceptor(asio::io_context& ctx, const tcp::endpoint& endpoint) {
    tcp::acceptor acceptor(ctx);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    int one = 1;
    ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_args(argc, argv, o)) {
        std::fputs("usage: bench-ceiling [--host H] [--port P] [--threads N] [--upstream PORT]\n",
                   stderr);
        return 2;
    }
    if (o.upstream != 0) {
        // hello-skill's requests to the stub, header for header (http_transport.cpp).
        const std::string host = "\r\nHost: 127.0.0.1:" + std::to_string(o.upstream);
        const std::string fields =
            "\r\nAccept: application/json\r\nContent-Type: application/json\r\n"
            "User-Agent: skill-sdk-cpp\r\nAuthorization: Bearer ";
        constexpr std::string_view entry = R"({"data":{"visits":2,"name":"bench user"}})";
        upstream.endpoint = {asio::ip::make_address("127.0.0.1"), o.upstream};
        upstream.get_head = "GET /v1/persistence/entry/data HTTP/1.1" + host + fields;
        upstream.post_head = "POST /v1/persistence/entry HTTP/1.1" + host + fields;
        upstream.post_tail = "\r\nContent-Length: " + std::to_string(entry.size()) + "\r\n\r\n";
        upstream.post_tail += entry;
    }
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<tcp::acceptor> acceptors;
    acceptors.reserve(o.threads);  // accept_loop holds references into it
    tcp::endpoint endpoint{asio::ip::make_address(o.host), o.port};
    for (unsigned i = 0; i < o.threads; ++i) {
        contexts.push_back(std::make_unique<asio::io_context>(1));
        acceptors.push_back(open_acceptor(*contexts.back(), endpoint));
        endpoint.port(acceptors.front().local_endpoint().port());
        asio::co_spawn(*contexts.back(), accept_loop(acceptors.back()), asio::detached);
    }
    asio::signal_set signals(*contexts.front(), SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        for (auto& c : contexts) c->stop();
    });
    std::printf("listening %u\n", static_cast<unsigned>(endpoint.port()));
    std::fflush(stdout);

    std::vector<std::thread> threads;
    for (unsigned i = 1; i < o.threads; ++i)
        threads.emplace_back([&ctx = *contexts[i]] { ctx.run(); });
    contexts.front()->run();
    for (auto& t : threads) t.join();
    return 0;
}
