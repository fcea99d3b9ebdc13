#include <skill/log.hpp>
#include <skill/net/http_server.hpp>
#include "header_text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace skill::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
// Connections the sweeper times out are plain sockets: beast::tcp_stream arms a timer
// per operation, ~20 % of a small request's cost (issue #11), for nothing the sweeper
// does not do already. Only the refusal path, outside the sweeper, uses tcp_stream.
using TlsStream = ssl::stream<tcp::socket>;
using RefusedTlsStream = ssl::stream<beast::tcp_stream>;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// A parse error the client deserves a 400 for (not a close or a cut-off).
bool is_malformed(const beast::error_code& ec) {
    return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

std::string default_error_body(http::status status, std::string_view detail) {
    return boost::json::serialize(boost::json::value{
        {"error", std::string(http::obsolete_reason(status))}, {"detail", detail}});
}

/// The status line and fields exactly as Beast's serializer writes them, into a
/// buffer the connection reuses. Beast's generic buffer sequences cost more CPU
/// than all the rest of a small answer's serving (docs/performance.md).
void serialize_header(const Response& res, std::string& out) {
    const unsigned version = res.version(), status = res.result_int();
    out.clear();
    detail::append_http_version(out, version);
    out += ' ';
    out += static_cast<char>('0' + status / 100 % 10);
    out += static_cast<char>('0' + status / 10 % 10);
    out += static_cast<char>('0' + status % 10);
    out += ' ';
    out += res.reason();
    out += "\r\n";
    detail::append_fields(out, res.base());
}

/// How the server reads a request: its fields from the connection's arena.
using RequestParser = http::request_parser<http::string_body, FieldAllocator<char>>;

/// Parses a request whose header is already buffered, without an async operation:
/// a small request arrives in one segment, and each Beast async read would cost a
/// composed operation and a post. Returns false (parser untouched) when the header
/// is incomplete; sets the header's size, and an error unless the parse went well
/// (an incomplete body is no error: the caller reads the rest).
bool parse_buffered(RequestParser& parser, beast::flat_buffer& buffer, std::size_t& header_bytes,
                    beast::error_code& ec) {
    const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
    const auto end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) return false;
    header_bytes = end + 4;
    parser.eager(true);
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec == http::error::need_more) ec = {};
    return true;
}

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, TlsStream>;

/// The server's TLS context: TLS 1.2 or newer, the configured certificate chain
/// and key. Every failure names the file at fault.
ssl::context make_tls_context(const TlsOptions& tls) {
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::single_dh_use | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) != 1)
        throw std::runtime_error("TLS: cannot require TLS 1.2");
    auto fail = [](std::string_view what, const std::string& file, const beast::error_code& ec) {
        throw std::runtime_error("TLS " + std::string(what) + " " + file + ": " + ec.message());
    };
    beast::error_code ec;
    ctx.use_certificate_chain_file(tls.certificate_chain_file, ec);
    if (ec) fail("certificate chain", tls.certificate_chain_file, ec);
    ctx.use_private_key_file(tls.private_key_file, ssl::context::pem, ec);
    if (ec) fail("private key", tls.private_key_file, ec);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
        throw std::runtime_error("TLS private key " + tls.private_key_file +
                                 " does not match the certificate in " + tls.certificate_chain_file);
    return ctx;
}

/// What the file-descriptor limit leaves for accepted connections. Raises the
/// soft RLIMIT_NOFILE towards the hard limit as far as `wanted` connections plus
/// `reserve` need, then returns min(wanted, soft limit - reserve), the reserve
/// being at most half the soft limit. At the limit accept(2) would fail with
/// EMFILE and connections would wait in the backlog instead of getting a 503.
struct FdBudget {
    std::size_t connections;
    std::size_t fd_limit;  // 0: unlimited or unknown
};
FdBudget fd_budget(std::size_t wanted, std::size_t reserve) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return {wanted, 0};
    const rlim_t needed = static_cast<rlim_t>(wanted) + static_cast<rlim_t>(reserve);
    if (rl.rlim_cur < needed && rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = std::min(needed, rl.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    if (rl.rlim_cur == RLIM_INFINITY) return {wanted, 0};
    const auto soft = static_cast<std::size_t>(rl.rlim_cur);
    const std::size_t kept = std::min(reserve, soft / 2);
    return {std::min(wanted, soft - kept), soft};
}

void post_log_flush(void* context) {
    asio::post(*static_cast<asio::io_context*>(context), [] { log::flush(); });
}

/// The phase deadlines' clock. The sweeper checks them every 5 ms at the finest
/// (sweep_period), so the kernel tick's resolution (1-4 ms) is enough; reading it costs a
/// few ns, where a steady_clock read costs 25-45 ns on a VM, three of them a request.
struct Clock {
    using duration = std::chrono::nanoseconds;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<Clock>;
    static constexpr bool is_steady = true;
    static time_point now() noexcept {
        timespec ts{};
        ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
        return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
    }
};

/// A live connection as the drain logic and the sweeper see it (touched only on its own thread).
struct Connection {
    tcp::socket* socket = nullptr;
    bool busy = false;  // a request is being read, handled or answered
    Clock::time_point deadline = Clock::time_point::max();  // of the current phase
};

/// How often a worker looks for connections past their deadline: a tenth of the
/// shortest timeout, so a cut-off comes at most ~10 % late.
std::chrono::milliseconds sweep_period(const ServerLimits& l) {
    const auto shortest = std::min({l.read_timeout, l.idle_timeout, l.write_timeout});
    return std::clamp(shortest / 10, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
}

}  // namespace

struct Worker {
    explicit Worker(unsigned i) : index(i) {}
    unsigned index;
    RequestHandler handler;  // this thread's: it may hold per-thread services
    asio::io_context context{1};
    // Keeps run() going while the worker has no connection yet; released on drain.
    asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
    std::unordered_set<Connection*> connections;
    std::optional<asio::steady_timer> drain_timer;
    std::optional<asio::steady_timer> sweeper;  // armed while the worker has connections
    bool sweeping = false;
    std::thread thread;
};

struct HttpServer::Impl {
    Impl(ServerOptions o, RequestHandler h) : options(std::move(o)) {
        if (options.threads == 0) options.threads = 1;
        if (!options.error_body) options.error_body = default_error_body;
        if (options.tls) tls_context.emplace(make_tls_context(*options.tls));
        for (unsigned i = 0; i < options.threads; ++i) {
            workers.push_back(std::make_unique<Worker>(i));
            workers.back()->handler = h;
        }
    }

    ServerOptions options;
    std::vector<std::unique_ptr<Worker>> workers;
    std::optional<ssl::context> tls_context;  // set: every connection is TLS
    std::optional<tcp::acceptor> acceptor;  // lives on worker 0
    std::optional<asio::signal_set> signals;
    std::atomic<bool> draining{false};
    std::atomic<std::size_t> connections{0};
    std::uint16_t port = 0;
    bool started = false;
    bool joined = false;

    Awaitable<void> accept_loop();
    Awaitable<void> session(Worker& worker, tcp::socket socket);
    Awaitable<void> tls_session(Worker& worker, tcp::socket socket);
    Awaitable<void> refuse(tcp::socket socket);
    template <class Stream>
    Awaitable<void> serve(Worker& w, Connection& c, Stream& stream);
    template <class Stream>
    Awaitable<void> write_error(Stream& stream, http::status status, std::string_view detail,
                                unsigned version = 11);
    void drain_worker(Worker& w);
    void arm_sweeper(Worker& w);
    void sweep(Worker& w);
    void connection_closed(Worker& w, Connection& c);
};

// ---------------------------------------------------------------- accepting

Awaitable<void> HttpServer::Impl::accept_loop() {
    unsigned next = 0;
    std::uint64_t failed_accepts = 0;
    while (!draining) {
        Worker& target = *workers[next++ % workers.size()];
        auto [ec, socket] = co_await acceptor->async_accept(target.context, use_tuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || draining) co_return;
            // EMFILE, ENFILE, ENOBUFS...: back off briefly instead of spinning (the
            // pending connection stays in the backlog), logging once per streak.
            if (failed_accepts++ == 0)
                log::warning(options.name, "accept failed: pausing", {{"error", ec.message()}});
            asio::steady_timer pause(workers[0]->context, std::chrono::milliseconds(50));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (failed_accepts != 0) {
            log::info(options.name, "accepting again",
                      {{"failedAccepts", static_cast<std::int64_t>(failed_accepts)}});
            failed_accepts = 0;
        }
        if (connections.load(std::memory_order_relaxed) >= options.limits.max_connections) {
            asio::co_spawn(target.context, refuse(std::move(socket)), asio::detached);
            continue;
        }
        connections.fetch_add(1, std::memory_order_relaxed);
        if (tls_context)
            asio::co_spawn(target.context, tls_session(target, std::move(socket)), asio::detached);
        else
            asio::co_spawn(target.context, session(target, std::move(socket)), asio::detached);
    }
}

Awaitable<void> HttpServer::Impl::refuse(tcp::socket socket) {
    log::warning(options.name, "connection limit reached",
                 {{"limit", static_cast<std::int64_t>(options.limits.max_connections)}});
    if (!tls_context) {
        beast::tcp_stream stream(std::move(socket));
        co_await write_error(stream, http::status::service_unavailable, "too many connections");
        co_return;
    }
    // Not one of the sweeper's connections: the stream's own timer bounds each step.
    RefusedTlsStream stream(std::move(socket), *tls_context);
    beast::get_lowest_layer(stream).expires_after(options.limits.read_timeout);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) co_return;
    co_await write_error(stream, http::status::service_unavailable, "too many connections");
}

// ---------------------------------------------------------------- a connection

Awaitable<void> HttpServer::Impl::session(Worker& w, tcp::socket socket) {
    socket.set_option(tcp::no_delay(true));
    tcp::socket stream(std::move(socket));
    Connection conn{&stream};
    w.connections.insert(&conn);
    arm_sweeper(w);
    try {
        co_await serve(w, conn, stream);
    } catch (const std::exception& e) {
        log::error(options.name, "connection failed", {{"error", e.what()}});
    }
    beast::error_code ignored;
    stream.shutdown(tcp::socket::shutdown_send, ignored);
    stream.close(ignored);
    connection_closed(w, conn);
}

/// A TLS connection: the handshake within read_timeout (the sweeper, and drain,
/// end it like an idle wait), the same loop as plain TCP, then close_notify.
Awaitable<void> HttpServer::Impl::tls_session(Worker& w, tcp::socket socket) {
    socket.set_option(tcp::no_delay(true));
    TlsStream stream(std::move(socket), *tls_context);
    Connection conn{&stream.next_layer()};
    w.connections.insert(&conn);
    arm_sweeper(w);
    conn.deadline = Clock::now() + options.limits.read_timeout;
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (hec) {
        log::info(options.name, "TLS handshake failed", {{"error", hec.message()}});
    } else {
        try {  // the same loop as session()'s
            co_await serve(w, conn, stream);
        } catch (const std::exception& e) {
            log::error(options.name, "connection failed", {{"error", e.what()}});
        }
        if (stream.next_layer().is_open()) {
            // close_notify, without waiting for the peer's (RFC 8446 6.1 allows it): an
            // idle keep-alive client would not answer before its next request.
            SSL_set_shutdown(stream.native_handle(), SSL_RECEIVED_SHUTDOWN);
            conn.deadline = Clock::now() + options.limits.write_timeout;
            auto [sec] = co_await stream.async_shutdown(use_tuple);
            (void)sec;
        }
    }
    beast::error_code ignored;
    stream.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
    stream.next_layer().close(ignored);
    connection_closed(w, conn);
}

void HttpServer::Impl::connection_closed(Worker& w, Connection& c) {
    w.connections.erase(&c);
    connections.fetch_sub(1, std::memory_order_relaxed);
    if (draining && w.connections.empty()) {
        if (w.drain_timer) w.drain_timer->cancel();
        if (w.sweeper) w.sweeper->cancel();  // nothing left to time out: let run() end
    }
}

// Timeouts: one timer per worker sweeps its connections, instead of a timer armed
// and cancelled around every read and write (two per request, a few % of a TELL).
// An expired connection is closed, which ends whatever it awaits.
void HttpServer::Impl::arm_sweeper(Worker& w) {
    if (w.sweeping) return;
    if (!w.sweeper) w.sweeper.emplace(w.context);
    w.sweeping = true;
    w.sweeper->expires_after(sweep_period(options.limits));
    w.sweeper->async_wait([this, &w](beast::error_code ec) {
        w.sweeping = false;
        if (ec) return;
        sweep(w);
        if (!w.connections.empty()) arm_sweeper(w);
    });
}

void HttpServer::Impl::sweep(Worker& w) {
    const auto now = Clock::now();
    for (Connection* c : w.connections) {
        if (c->deadline > now) continue;
        c->deadline = Clock::time_point::max();
        beast::error_code ignored;
        c->socket->close(ignored);  // completions are posted: the set stays intact
    }
}

/// Reads, handles and answers the requests of one connection until it is to be closed.
/// One loop, not a coroutine per request: an Asio frame is a malloc and a free each.
template <class Stream>
Awaitable<void> HttpServer::Impl::serve(Worker& w, Connection& c, Stream& stream) {
    const auto& limits = options.limits;
    beast::flat_buffer buffer;
    std::string head;  // the answers' header, reused
    FieldArena arena;  // each request's fields and its answer's (net/field_arena.hpp)
    unsigned served = 0;
    for (;;) {
        c.busy = false;
        if (draining) co_return;

        // Idle phase: wait for the first byte of the next request (pipelined bytes may be buffered).
        if (buffer.size() == 0) {
            c.deadline = Clock::now() + (served == 0 ? limits.read_timeout : limits.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (ec) co_return;  // closed, idle timeout or drain: nothing in flight
            buffer.commit(n);
        }
        c.busy = true;

        // Read phase: the whole request within read_timeout. A slow client is cut
        // off: the sweeper closes the socket on expiry, so there is no 408 to send.
        // The last request's fields and answer are gone: their arena starts over.
        arena.reset();
        RequestParser parser(std::piecewise_construct, std::make_tuple(),
                             std::make_tuple(FieldAllocator<char>(&arena)));
        parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
        parser.body_limit(limits.max_body_bytes);
        c.deadline = Clock::now() + limits.read_timeout;
        beast::error_code hec;
        std::size_t hn = 0;
        if (!parse_buffered(parser, buffer, hn, hec)) {
            auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
            hec = ec;
            hn = n;
        }
        // Beast (1.81) applies header_limit to the start line and to the fields separately;
        // the limit is on the whole header block, so check the total too.
        if (!hec && hn > limits.max_header_bytes) hec = http::error::header_limit;
        if (!hec && !framing_acceptable(parser.get(), parser.chunked())) {
            co_await write_error(stream, http::status::bad_request,
                                 "Transfer-Encoding: only a single \"chunked\" is supported, "
                                 "and not together with Content-Length");
            log::info(options.name, "request not read", {{"error", "unsupported Transfer-Encoding"}});
            co_return;
        }
        if (!hec && !parser.is_done()) {
            if (auto expect = parser.get()[http::field::expect];
                beast::iequals(expect, "100-continue")) {
                http::response<http::empty_body> cont{http::status::continue_, 11};
                co_await http::async_write(stream, cont, use_tuple);
            }
            auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
            hec = bec;
        }
        if (hec) {
            if (hec == http::error::header_limit) {
                co_await write_error(stream, http::status::request_header_fields_too_large,
                                     "request header exceeds " + std::to_string(limits.max_header_bytes) + " bytes");
            } else if (hec == http::error::body_limit) {
                co_await write_error(stream, http::status::payload_too_large,
                                     "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes");
            } else if (is_malformed(hec)) {
                co_await write_error(stream, http::status::bad_request,
                                     "malformed HTTP request: " + hec.message());
            }
            log::info(options.name, "request not read", {{"error", hec.message()}});
            co_return;
        }

        c.deadline = Clock::time_point::max();  // the handler's time is the application's business
        Request req = parser.release();
        bool keep_alive = req.keep_alive();
        Response res;
        try {
            res = co_await w.handler(req);
        } catch (const std::exception& e) {
            log::error(options.name, "request handler failed", {{"error", e.what()}});
            res = json_response(req, http::status::internal_server_error,
                                options.error_body(http::status::internal_server_error, "internal error"));
        }
        ++served;
        if (draining || (limits.max_requests_per_connection && served >= limits.max_requests_per_connection))
            keep_alive = false;
        res.keep_alive(keep_alive);
        res.prepare_payload();
        c.deadline = Clock::now() + limits.write_timeout;
        beast::error_code written;
        if (res.chunked()) {  // never with a string body's known size, but keep it correct
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            written = wec;
        } else {
            serialize_header(res, head);
            if constexpr (is_tls<Stream>) {
                // One buffer, so one TLS record (an ssl stream writes a sequence's buffers one by one).
                head += res.body();
                auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(head), use_tuple);
                written = wec;
            } else {
                std::array<asio::const_buffer, 2> message{asio::buffer(head), asio::buffer(res.body())};
                auto [wec, wn] = co_await asio::async_write(stream, message, use_tuple);
                written = wec;
            }
        }
        if (written || !keep_alive) co_return;
    }
}

template <class Stream>
Awaitable<void> HttpServer::Impl::write_error(Stream& stream, http::status status,
                                              std::string_view detail, unsigned version) {
    Response res{status, version};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = options.error_body(status, detail);
    res.prepare_payload();
    // A sweeper's connection is bounded by its current phase; a refused one by its own timer.
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(beast::get_lowest_layer(stream))>,
                                 beast::tcp_stream>)
        beast::get_lowest_layer(stream).expires_after(options.limits.write_timeout);
    co_await http::async_write(stream, res, use_tuple);
}

// ---------------------------------------------------------------- drain

void HttpServer::Impl::drain_worker(Worker& w) {
    if (w.index == 0) {
        beast::error_code ignored;
        if (acceptor) acceptor->close(ignored);
        if (signals) signals->cancel(ignored);
    }
    w.guard.reset();
    // Idle connections wait for a first byte: cancel that. Busy ones finish
    // their request, answer with Connection: close and end by themselves.
    for (Connection* c : w.connections)
        if (!c->busy) {
            beast::error_code ignored;
            c->socket->cancel(ignored);
        }
    if (w.connections.empty()) {
        // The sweeper may still be armed from connections that closed before the drain:
        // its next tick (up to a second away) would hold run() open that long.
        if (w.sweeper) w.sweeper->cancel();
        return;
    }
    w.drain_timer.emplace(w.context, options.limits.drain_timeout);
    w.drain_timer->async_wait([&w](beast::error_code ec) {
        if (!ec) {
            log::warning("http", "drain timeout: dropping connections still in flight",
                         {{"connections", static_cast<std::int64_t>(w.connections.size())}});
            w.context.stop();
        }
    });
}

// ---------------------------------------------------------------- HttpServer

HttpServer::HttpServer(ServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::HttpServer(ServerOptions options) : HttpServer(std::move(options), RequestHandler{}) {}

HttpServer::~HttpServer() {
    if (impl_->started && !impl_->joined) {
        drain();
        wait();
    }
}

std::uint16_t HttpServer::start(const HandlerFactory& handler_of_thread) {
    for (auto& w : impl_->workers) w->handler = handler_of_thread(w->index);
    return start();
}

std::uint16_t HttpServer::start() {
    auto& im = *impl_;
    for (auto& w : im.workers)
        if (!w->handler) throw std::logic_error(im.options.name + ": no request handler");
    auto& limits = im.options.limits;
    const auto budget = fd_budget(limits.max_connections, limits.reserved_fds);
    log::info(im.options.name, "connection limit",
              {{"maxConnections", static_cast<std::int64_t>(budget.connections)},
               {"configured", static_cast<std::int64_t>(limits.max_connections)},
               {"fdLimit", static_cast<std::int64_t>(budget.fd_limit)}});
    if (budget.connections < limits.max_connections)
        log::warning(im.options.name, "connection limit lowered to fit the file descriptor limit",
                     {{"maxConnections", static_cast<std::int64_t>(budget.connections)},
                      {"fdLimit", static_cast<std::int64_t>(budget.fd_limit)}});
    limits.max_connections = budget.connections;
    auto address = asio::ip::make_address(im.options.host);
    tcp::endpoint endpoint{address, im.options.port};
    auto& acceptor = im.acceptor.emplace(im.workers[0]->context);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    im.port = acceptor.local_endpoint().port();
    asio::co_spawn(im.workers[0]->context, im.accept_loop(), asio::detached);
    for (auto& w : im.workers) {
        w->thread = std::thread([worker = w.get()] {
            // Request lines are written once per batch of ready work, not one
            // write(2) each: the flush is posted behind the work already queued.
            log::batch_thread_lines(&post_log_flush, &worker->context);
            worker->context.run();
            log::batch_thread_lines(nullptr, nullptr);
            log::flush();
        });
    }
    im.started = true;
    return im.port;
}

void HttpServer::drain() {
    if (impl_->draining.exchange(true)) return;
    for (auto& w : impl_->workers)
        asio::post(w->context, [this, w = w.get()] { impl_->drain_worker(*w); });
}

void HttpServer::wait() {
    if (impl_->joined) return;
    for (auto& w : impl_->workers)
        if (w->thread.joinable()) w->thread.join();
    impl_->joined = true;
}

void HttpServer::run_until_signal() {
    if (!impl_->signals) drain_on_signal();
    if (!impl_->started) start();
    wait();
}

void HttpServer::drain_on_signal() {
    auto& sigs = impl_->signals.emplace(impl_->workers[0]->context, SIGINT, SIGTERM);
    sigs.async_wait([this](beast::error_code ec, int signal) {
        if (ec) return;
        log::info(impl_->options.name, "signal received: draining", {{"signal", static_cast<std::int64_t>(signal)}});
        drain();
    });
}

bool HttpServer::draining() const noexcept { return impl_->draining; }
std::uint16_t HttpServer::port() const noexcept { return impl_->port; }
unsigned HttpServer::threads() const noexcept { return static_cast<unsigned>(impl_->workers.size()); }
std::size_t HttpServer::open_connections() const noexcept { return impl_->connections; }
std::size_t HttpServer::max_connections() const noexcept {
    return impl_->options.limits.max_connections;
}
asio::io_context& HttpServer::context(unsigned i) { return impl_->workers.at(i)->context; }

}  // namespace skill::net
