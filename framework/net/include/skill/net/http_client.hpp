#pragma once
// A small async HTTP/1.1 client with a keep-alive connection pool. One
// instance per I/O thread (not thread-safe by design: no locks).
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <skill/net/http.hpp>
#include <string>
#include <string_view>

namespace skill::net {

/// http://host[:port][/path] or https://host[:port][/path].
struct Url {
    std::string host;
    std::string port = "80";  // "443" for https unless given
    std::string path;         // without a trailing '/', may be empty
    bool tls = false;         // https: certificate chain and host name verified
    static std::optional<Url> parse(std::string_view text);
};

/// Client TLS settings of a process (docs/operations.md, [tls]).
struct TlsClientOptions {
    std::string ca_file;  // PEM bundle trusted in addition to the system store; "" = none
};

/// The TLS client configuration every HttpClient of a process shares (an OpenSSL
/// SSL_CTX: TLS >= 1.2, peer verification against the system trust store plus
/// `ca_file`). Thread-safe once built.
class TlsClientContext {
  public:
    /// Throws std::runtime_error naming the file when `ca_file` cannot be loaded.
    explicit TlsClientContext(const TlsClientOptions& options = {});
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext&) = delete;
    TlsClientContext& operator=(const TlsClientContext&) = delete;

    struct Impl;
    Impl& impl() const noexcept { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

/// The category of "the server's certificate was refused": the value is OpenSSL's
/// X509_V_ERR_* code, message() its reason ("certificate has expired", ...).
const boost::system::error_category& tls_verify_category() noexcept;
/// Whether `ec` is a TLS failure (handshake refused, certificate refused).
bool is_tls_error(const boost::system::error_code& ec) noexcept;

/// Why no complete answer arrived, as every service client reports it.
enum class CallFailure {
    timeout,       // the call's time ran out (or its caller's deadline cancelled it)
    unreachable,   // refused, reset, unknown host, closed before an answer
    tls,           // the handshake failed or the certificate was refused
    bad_response,  // an answer that is no readable HTTP message (cut off, over a limit, ...)
};
CallFailure classify_failure(const boost::system::error_code& ec) noexcept;

struct ClientOptions {
    // Per host:port. Above the concurrency one I/O thread sees (the benchmark's 32
    // invocations in flight): a connection returned over the limit is closed, and
    // the next burst pays a connect for it.
    std::size_t max_idle_connections = 64;
    std::size_t max_body_bytes = 8 * 1024 * 1024;
    // For https origins; null: one with the system trust store, made on first use.
    std::shared_ptr<const TlsClientContext> tls;
};

struct ClientResult {
    boost::system::error_code error;  // set when no complete response arrived
    Response response;
};

/// A request its caller serialised (a JSON client's hot path: no Beast fields).
/// `head` is the request line and the fields, every line ending in CRLF, without
/// Host, Content-Length and the empty line ending the header: send_raw() adds
/// those exactly as Beast's prepare_payload() would. Both views must stay valid
/// until send_raw() completes.
struct RawRequest {
    http::verb method = http::verb::get;
    std::string_view head;
    std::string_view body;
    // May be sent again when a pooled connection turns out closed before any answer,
    // although the method is not idempotent (the caller knows a repeat changes nothing).
    bool resend_safe = false;
};

/// The answer to a RawRequest: its status, body and ETag (its other fields are
/// checked by Beast's parser, then dropped).
struct RawResult {
    boost::system::error_code error;  // set when no complete response arrived
    unsigned status = 0;
    std::string body;
    // The ETag field's value as sent (a versioned store's entry version), "" when
    // absent or longer than max_etag_bytes; the caller validates it.
    std::string etag;
    static constexpr std::size_t max_etag_bytes = 130;
};

class HttpClient {
  public:
    explicit HttpClient(boost::asio::any_io_executor executor, ClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Send `request` (Host and Content-Length are set here) to the origin of `to`
    /// (its scheme, host and port; the path is the request's target) and read the
    /// answer within `timeout` (connect and TLS handshake included). An idle pooled
    /// connection the server closed, or that received bytes nobody asked for, is
    /// closed, never reused; a request whose pooled connection turns out closed
    /// before any answer is sent again on a fresh one when its method is idempotent.
    Awaitable<ClientResult> send(const Url& to, Request request, std::chrono::milliseconds timeout);
    /// send() to http://host:port.
    Awaitable<ClientResult> send(const std::string& host, const std::string& port, Request request,
                                 std::chrono::milliseconds timeout);

    /// The same exchange for a request serialised by the caller; same pool,
    /// timeout and retry. The bytes on the wire are those send() would write for
    /// the same request.
    Awaitable<RawResult> send_raw(const Url& to, RawRequest request,
                                  std::chrono::milliseconds timeout);
    /// send_raw() to http://host:port.
    Awaitable<RawResult> send_raw(const std::string& host, const std::string& port,
                                  RawRequest request, std::chrono::milliseconds timeout);

    std::size_t idle_connections() const noexcept;
    /// The executor (thread) every exchange of this client runs on.
    const boost::asio::any_io_executor& executor() const noexcept;

    /// TLS handshakes made, and how many of them resumed an earlier session.
    struct TlsStats {
        std::uint64_t handshakes = 0;
        std::uint64_t resumed = 0;
    };
    TlsStats tls_stats() const noexcept;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::net
