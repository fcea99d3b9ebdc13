#pragma once
// A generic async HTTP/1.1 server: N I/O threads with one io_context each.
// One acceptor hands connections out round-robin; a connection and everything
// its handler awaits stay on one thread, so nothing on the hot path locks.
// Keep-alive, pipelining, per-phase timeouts, size and connection limits, drain.
#include <skill/net/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace skill::net {

/// Called once per request on the connection's I/O thread.
using RequestHandler = std::function<Awaitable<Response>(Request&)>;
/// The handler of I/O thread i: what it captures (a client, a metrics shard) is that
/// thread's alone, so nothing on the request path looks up its thread or locks.
using HandlerFactory = std::function<RequestHandler(unsigned thread)>;

/// Body of the answers the server writes itself (400, 413, 431, 503, 500).
/// Default: {"error":"<reason>","detail":"<detail>"}.
using ErrorBodyWriter = std::function<std::string(http::status, std::string_view detail)>;

struct ServerLimits {
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_body_bytes = 1024 * 1024;
    // Over it: 503 and close. Never more than the process can hold: start() raises
    // RLIMIT_NOFILE's soft limit towards the hard one as far as needed, then caps
    // this at the soft limit less reserved_fds (logged as "connection limit").
    std::size_t max_connections = 10'000;
    std::size_t reserved_fds = 256;  // kept for all else: outbound connections, files, the DB
    std::size_t max_requests_per_connection = 0;   // 0 = unlimited
    std::chrono::milliseconds read_timeout{10'000};   // a whole request, once its first byte came
    std::chrono::milliseconds idle_timeout{60'000};   // waiting for the next request
    std::chrono::milliseconds write_timeout{10'000};
    std::chrono::milliseconds drain_timeout{30'000};  // in-flight work gets this long on shutdown
};

/// TLS on every accepted connection: a server-side handshake (TLS 1.2 or newer)
/// within read_timeout, then HTTP exactly as on plain TCP. PEM files, read once
/// when the server is constructed (an unreadable or mismatching file throws,
/// naming it).
struct TlsOptions {
    std::string certificate_chain_file;  // the server's certificate, then any intermediates
    std::string private_key_file;        // unencrypted
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0 = ephemeral
    unsigned threads = 1;
    ServerLimits limits;
    std::string name = "http";  // for log lines
    ErrorBodyWriter error_body;  // empty: the default
    std::optional<TlsOptions> tls;  // none: plain TCP
};

class HttpServer {
public:
    /// Throws std::runtime_error when the TLS files cannot be loaded.
    HttpServer(ServerOptions options, RequestHandler handler);
    /// Handlers come with start(HandlerFactory): per-thread services can be built on
    /// context(i) first.
    explicit HttpServer(ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Bind, listen and start the I/O threads. Returns the bound port. Throws on bind failure.
    std::uint16_t start();
    /// start() with the handler of each I/O thread.
    std::uint16_t start(const HandlerFactory& handler_of_thread);
    /// Graceful shutdown (any thread, idempotent): stop accepting, close idle
    /// connections, let in-flight requests finish (each answer carries
    /// `Connection: close`), then the I/O threads end.
    void drain();
    /// Block until the I/O threads have ended.
    void wait();
    /// Drain on SIGINT/SIGTERM (call before start()).
    void drain_on_signal();
    /// drain_on_signal(), start() unless started, wait().
    void run_until_signal();

    bool draining() const noexcept;
    std::uint16_t port() const noexcept;
    unsigned threads() const noexcept;
    std::size_t open_connections() const noexcept;
    /// The connection limit in effect (after start(): capped by the fd limit).
    std::size_t max_connections() const noexcept;
    /// The io_context of I/O thread i (to create per-thread resources before start()).
    boost::asio::io_context& context(unsigned i);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::net
