// HttpClient: pooled keep-alive HTTP/1.1 over plain sockets or TLS.
//
// The hot path of a persistence call is one exchange on a pooled connection, so
// it is kept to the minimum of work and syscalls: the request goes out with a
// synchronous gathered write (a request fits an idle connection's send buffer),
// the answer is read into the connection's own buffer and parsed in place, and
// the only suspension is the wait for that answer. Deadlines are kept by one
// watchdog timer per client instead of a timer per read and write.
//
// https: the same exchange through an Asio ssl::stream over the same socket. A
// connection's handshake verifies the chain against the trust store and the
// certificate against the host name (OpenSSL's own checks, SNI sent for names);
// its session is kept per origin, so a new connection resumes instead of paying
// a full handshake. Pooled exactly like plain connections.
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>
#include <charconv>
#include <skill/net/http_client.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "header_text.hpp"

namespace skill::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Errors that mean "the pooled connection was already closed by the server".
bool is_stale_connection(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::ssl::error::stream_truncated;
}

class TlsVerifyCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "tls-verify"; }
    std::string message(int value) const override {
        return std::string("certificate refused: ") + X509_verify_cert_error_string(value);
    }
};

/// The request line and fields exactly as Beast's serializer writes them. Beast's
/// generic buffer sequences cost more CPU than the rest of a persistence call.
std::string serialize_header(const Request& req) {
    const unsigned version = req.version();
    std::string out;
    out.reserve(256);
    out += req.method_string();
    out += ' ';
    out += req.target();
    out += ' ';
    detail::append_http_version(out, version);
    out += "\r\n";
    detail::append_fields(out, req.base());
    return out;
}

/// Reads an answer into its status and body. The fields are checked by Beast
/// (framing, limits, keep-alive) but not stored: a Beast field costs an
/// allocation, and a JSON client needs none of them.
class AnswerParser final : public http::basic_parser<false> {
  public:
    unsigned status() const noexcept { return status_; }
    std::string& body() noexcept { return body_; }
    std::string& etag() noexcept { return etag_; }

  private:
    void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                         beast::error_code&) override {}
    void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
        status_ = static_cast<unsigned>(code);
    }
    void on_field_impl(http::field name, beast::string_view, beast::string_view value,
                       beast::error_code&) override {
        // The one field a client needs (conditional writes); bounded before it is kept.
        if (name == http::field::etag && value.size() <= RawResult::max_etag_bytes)
            etag_.assign(value.data(), value.size());
    }
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                           beast::error_code&) override {
        // basic_parser has already refused a length over the body limit.
        if (length) body_.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(beast::string_view bytes, beast::error_code&) override {
        body_.append(bytes.data(), bytes.size());
        return bytes.size();
    }
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view bytes,
                                   beast::error_code&) override {
        body_.append(bytes.data(), bytes.size());
        return bytes.size();
    }
    void on_finish_impl(beast::error_code&) override {}

    unsigned status_ = 0;
    std::string body_;
    std::string etag_;
};

/// Hands newly read bytes to `parser`. Bytes it cannot take yet (a header cut
/// between two segments) wait in `pending` for the next read. Sets `leftover`
/// to the bytes following a complete message (they make the connection unusable).
beast::error_code feed(http::basic_parser<false>& parser, std::string_view bytes,
                       std::string& pending, std::size_t& leftover) {
    const bool from_pending = !pending.empty();
    if (from_pending) {
        pending.append(bytes);
        bytes = pending;
    }
    beast::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        const std::size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec == http::error::need_more) {
            ec = {};
            break;
        }
        if (ec || used == 0) break;
    }
    leftover = parser.is_done() ? bytes.size() : 0;
    if (ec || parser.is_done()) return ec;
    if (from_pending) {
        pending.erase(0, pending.size() - bytes.size());
    } else {
        pending.assign(bytes);
    }
    return ec;
}

/// What a failed read means for the answer, as http::async_read decides: an end
/// of stream before the first byte is end_of_stream, after it the end of the
/// message (or a partial one).
beast::error_code end_of_answer(http::basic_parser<false>& parser, beast::error_code ec) {
    // A TLS peer that closes without close_notify: the same end of stream. An answer
    // it cut short is still refused by put_eof() (partial_message).
    if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
    if (ec != asio::error::eof) return ec;
    if (!parser.got_some()) return http::error::end_of_stream;
    ec = {};
    parser.put_eof(ec);
    return ec;
}

/// "Content-Length: n\r\n" when Beast's prepare_payload() would set one, then the
/// empty line that ends the header.
std::string_view header_tail(http::verb method, std::size_t body_size, std::array<char, 48>& out) {
    constexpr std::string_view name = "Content-Length: ";
    char* p = out.data();
    // prepare_payload(): a length for any body, and for these methods even when empty.
    if (body_size > 0 || method == http::verb::post || method == http::verb::put ||
        method == http::verb::options) {
        p = std::copy(name.begin(), name.end(), p);
        p = std::to_chars(p, out.data() + out.size(), body_size).ptr;
        *p++ = '\r';
        *p++ = '\n';
    }
    *p++ = '\r';
    *p++ = '\n';
    return {out.data(), static_cast<std::size_t>(p - out.data())};
}

}  // namespace

std::optional<Url> Url::parse(std::string_view text) {
    constexpr std::string_view http_scheme = "http://", https_scheme = "https://";
    Url url;
    if (text.substr(0, http_scheme.size()) == http_scheme) {
        text.remove_prefix(http_scheme.size());
    } else if (text.substr(0, https_scheme.size()) == https_scheme) {
        text.remove_prefix(https_scheme.size());
        url.tls = true;
        url.port = "443";
    } else {
        return std::nullopt;
    }
    auto slash = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, slash);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : text.substr(slash);
    if (authority.find('@') != std::string_view::npos)
        return std::nullopt;  // no credentials in URLs
    // Every byte goes into a request line or a Host field: visible ASCII only.
    for (char c : text)
        if (c <= ' ' || c >= 0x7f) return std::nullopt;
    if (!path.empty() && path.front() != '/') return std::nullopt;  // "?query" or "#fragment"

    // "[::1]:1555" keeps its colons inside the brackets; the port follows "]".
    auto host_end = !authority.empty() && authority.front() == '[' ? authority.find(']') : 0;
    if (host_end == std::string_view::npos) return std::nullopt;
    auto colon = authority.find(':', host_end);
    if (colon != std::string_view::npos) {
        auto port_text = authority.substr(colon + 1);
        unsigned port = 0;
        auto end = port_text.data() + port_text.size();
        auto [p, ec] = std::from_chars(port_text.data(), end, port);
        if (ec != std::errc{} || p != end || port == 0 || port > 65535) return std::nullopt;
        url.port = std::string(port_text);
        authority = authority.substr(0, colon);
    }
    if (authority.size() > 1 && authority.front() == '[' && authority.back() == ']')
        authority = authority.substr(1, authority.size() - 2);
    if (authority.empty()) return std::nullopt;
    url.host = std::string(authority);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    url.path = std::string(path);
    return url;
}

const boost::system::error_category& tls_verify_category() noexcept {
    static const TlsVerifyCategory category;
    return category;
}

bool is_tls_error(const boost::system::error_code& ec) noexcept {
    return ec.category() == tls_verify_category() ||
           ec.category() == asio::error::get_ssl_category() ||
           (ec.category() == asio::ssl::error::get_stream_category() &&
            ec != asio::ssl::error::stream_truncated);
}

CallFailure classify_failure(const boost::system::error_code& ec) noexcept {
    if (is_tls_error(ec)) return CallFailure::tls;
    // operation_aborted: the caller's deadline cancelled the call; out of time too.
    if (ec == beast::error::timeout || ec == asio::error::timed_out ||
        ec == asio::error::operation_aborted) {
        return CallFailure::timeout;
    }
    // Beast's HTTP errors (partial_message, body_limit, bad_* ...): an answer we cannot read.
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream) {
        return CallFailure::bad_response;
    }
    return CallFailure::unreachable;
}

struct TlsClientContext::Impl {
    asio::ssl::context context{asio::ssl::context::tls_client};
};

TlsClientContext::TlsClientContext(const TlsClientOptions& options)
    : impl_(std::make_unique<Impl>()) {
    auto& context = impl_->context;
    SSL_CTX* native = context.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    context.set_verify_mode(asio::ssl::verify_peer);
    context.set_default_verify_paths();
    if (!options.ca_file.empty()) {
        beast::error_code ec;
        context.load_verify_file(options.ca_file, ec);
        if (ec) {
            throw std::runtime_error("tls ca_file '" + options.ca_file +
                                     "': cannot load a PEM certificate bundle (" + ec.message() +
                                     ")");
        }
    }
    // Sessions are kept per origin by the client (no internal store: a client
    // cache keyed by nothing would resume at the wrong host).
    SSL_CTX_set_session_cache_mode(native,
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
}

TlsClientContext::~TlsClientContext() = default;

namespace {

/// A keep-alive connection with the buffer its answers are read into: both live
/// as long as the connection, so a pooled exchange allocates nothing for them.
struct Connection {
    explicit Connection(const asio::any_io_executor& executor) : socket(executor) {}
    tcp::socket socket;
    std::optional<asio::ssl::stream<tcp::socket&>> tls;  // https: over `socket`
    std::array<char, 2048> buffer;
};

struct SessionFree {
    void operator()(SSL_SESSION* s) const noexcept { SSL_SESSION_free(s); }
};

/// One scheme://host:port and its idle connections (LIFO: the warmest first).
struct Origin {
    std::string host;
    std::string port;
    bool tls = false;
    bool host_is_address = false;  // no SNI for an IP address; verified as an address
    std::string host_line;         // "Host: ...\r\n", as send() has always written it
    std::unique_ptr<SSL_SESSION, SessionFree> session;  // the newest resumable one
    std::vector<std::unique_ptr<Connection>> idle;
};

/// Whether an idle connection must not carry another exchange: bytes arrived that
/// nobody asked for (a second answer to one request, a server talking out of turn:
/// the next read would return them), or the server closed it meanwhile (then a
/// request sent on it would be lost, and only an idempotent one may be resent).
/// One peek, no read.
bool is_unusable(Connection& connection) {
    if (connection.tls && SSL_pending(connection.tls->native_handle()) > 0) return true;
    char byte;
    const auto n = ::recv(connection.socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);  // bytes, end of stream, error
}

/// Whether a request may be sent again when a pooled connection turns out closed
/// before any answer: the server may have received it (RFC 9110 §9.2.2).
bool is_idempotent(http::verb method) {
    return method == http::verb::get || method == http::verb::head || method == http::verb::put ||
           method == http::verb::delete_ || method == http::verb::options;
}

class Watchdog;

/// An exchange in flight as the watchdog sees it. Lives in the exchange's
/// coroutine frame and unlinks itself on every way out, including the frame's
/// destruction after the client (an io_context destroyed with the call pending).
struct Flight {
    Flight(Watchdog& watchdog, Clock::time_point deadline);
    ~Flight();
    Flight(const Flight&) = delete;
    Flight& operator=(const Flight&) = delete;

    Clock::time_point deadline;
    Watchdog* watchdog;
    tcp::socket* socket = nullptr;      // closed when the deadline passes
    tcp::resolver* resolver = nullptr;  // cancelled when the deadline passes
    bool expired = false;
    Flight* prev = nullptr;
    Flight* next = nullptr;
};

/// The deadlines of all exchanges in flight under one timer, armed for the
/// earliest. Beast's tcp_stream arms and cancels a timer for every read and
/// write instead. The timer is cancelled when nothing is in flight, so it never
/// keeps an io_context's run() from returning.
class Watchdog {
  public:
    explicit Watchdog(asio::any_io_executor executor)
        : timer_(std::move(executor)), alive_(std::make_shared<Watchdog*>(this)) {}
    ~Watchdog() {
        for (Flight* f = head_; f != nullptr; f = f->next) f->watchdog = nullptr;
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void add(Flight& f) {
        f.next = head_;
        if (head_ != nullptr) head_->prev = &f;
        head_ = &f;
        if (!armed_ || f.deadline < *armed_) arm(f.deadline);
    }

    void remove(Flight& f) {
        (f.prev != nullptr ? f.prev->next : head_) = f.next;
        if (f.next != nullptr) f.next->prev = f.prev;
        f.prev = f.next = nullptr;
        if (head_ == nullptr && armed_) {
            armed_.reset();
            timer_.cancel();
        }
    }

  private:
    void arm(Clock::time_point when) {
        armed_ = when;
        timer_.expires_at(when);
        // A weak reference: a wait completed just before the client went away
        // must not touch it.
        timer_.async_wait([alive = std::weak_ptr<Watchdog*>(alive_)](beast::error_code ec) {
            auto self = alive.lock();
            if (!ec && self) (*self)->expire();
        });
    }

    /// Ends every exchange past its deadline; re-arms for the next one.
    void expire() {
        armed_.reset();
        const auto now = Clock::now();
        std::optional<Clock::time_point> next;
        for (Flight* f = head_; f != nullptr; f = f->next) {
            if (f->expired) continue;
            if (f->deadline > now) {
                if (!next || f->deadline < *next) next = f->deadline;
                continue;
            }
            f->expired = true;
            beast::error_code ignored;
            if (f->socket != nullptr) f->socket->close(ignored);
            if (f->resolver != nullptr) f->resolver->cancel();
        }
        if (next) arm(*next);
    }

    asio::steady_timer timer_;
    std::shared_ptr<Watchdog*> alive_;
    std::optional<Clock::time_point> armed_;  // the pending wait's expiry
    Flight* head_ = nullptr;
};

Flight::Flight(Watchdog& w, Clock::time_point d) : deadline(d), watchdog(&w) {
    w.add(*this);
}

Flight::~Flight() {
    if (watchdog != nullptr) watchdog->remove(*this);
}

/// The bytes of one request: the caller's head, the Host line, the
/// Content-Length line and empty line, the body. Empty parts cost nothing.
using Message = std::array<asio::const_buffer, 4>;

}  // namespace

struct HttpClient::Impl {
    Impl(asio::any_io_executor e, ClientOptions o)
        : executor(std::move(e)), options(o), watchdog(executor) {}

    asio::any_io_executor executor;
    ClientOptions options;
    Watchdog watchdog;
    std::vector<std::unique_ptr<Origin>> origins;  // few: one per service
    TlsStats tls_stats;

    Origin& origin(const std::string& host, const std::string& port, bool tls);
    std::unique_ptr<Connection> take_idle(Origin& origin);
    void give_back(Origin& origin, std::unique_ptr<Connection> connection);
    Awaitable<beast::error_code> connect(Origin& origin, Connection& connection, Flight& flight);
    Awaitable<beast::error_code> handshake(Origin& origin, Connection& connection);
    static void keep_session(Origin& origin, Connection& connection);
    Awaitable<beast::error_code> exchange(Origin& origin, const Message& message,
                                          http::basic_parser<false>& parser,
                                          std::chrono::milliseconds timeout, bool may_resend);
};

/// The Host field's value: the port only when it is not the scheme's default.
std::string host_value(const std::string& host, const std::string& port, bool tls) {
    const bool bracket = host.find(':') != std::string::npos;  // an IPv6 address
    const std::string name = bracket ? '[' + host + ']' : host;
    return port == (tls ? "443" : "80") ? name : name + ':' + port;
}

Origin& HttpClient::Impl::origin(const std::string& host, const std::string& port, bool tls) {
    for (auto& o : origins)
        if (o->host == host && o->port == port && o->tls == tls) return *o;
    if (tls && !options.tls) options.tls = std::make_shared<TlsClientContext>();
    auto& o = *origins.emplace_back(std::make_unique<Origin>());
    o.host = host;
    o.port = port;
    o.tls = tls;
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    o.host_is_address = !ec;
    o.host_line = "Host: " + host_value(host, port, tls) + "\r\n";
    return o;
}

std::unique_ptr<Connection> HttpClient::Impl::take_idle(Origin& origin) {
    while (!origin.idle.empty()) {
        auto connection = std::move(origin.idle.back());
        origin.idle.pop_back();
        if (!is_unusable(*connection)) return connection;
    }
    return nullptr;
}

void HttpClient::Impl::give_back(Origin& origin, std::unique_ptr<Connection> connection) {
    if (origin.idle.size() < options.max_idle_connections)
        origin.idle.push_back(std::move(connection));
}

Awaitable<beast::error_code> HttpClient::Impl::connect(Origin& origin, Connection& connection,
                                                       Flight& flight) {
    auto& socket = connection.socket;
    beast::error_code ec;
    auto address = asio::ip::make_address(origin.host, ec);
    if (!ec) {
        unsigned short port = static_cast<unsigned short>(std::stoul(origin.port));
        tcp::endpoint endpoint{address, port};
        auto [cec] = co_await socket.async_connect(endpoint, use_tuple);
        ec = cec;
    } else {
        tcp::resolver resolver(executor);
        flight.resolver = &resolver;
        auto [rec, results] = co_await resolver.async_resolve(origin.host, origin.port, use_tuple);
        flight.resolver = nullptr;
        if (rec) co_return rec;
        auto [cec, endpoint] = co_await asio::async_connect(socket, results, use_tuple);
        ec = cec;
    }
    if (ec) co_return ec;
    socket.set_option(tcp::no_delay(true), ec);
    // Non-blocking for the synchronous write: it must never wait for the peer.
    if (!ec) socket.non_blocking(true, ec);
    if (!ec && origin.tls) ec = co_await handshake(origin, connection);
    co_return ec;
}

Awaitable<beast::error_code> HttpClient::Impl::handshake(Origin& origin, Connection& connection) {
    auto& stream = connection.tls.emplace(connection.socket, options.tls->impl().context);
    SSL* ssl = stream.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (origin.host_is_address) {
        X509_VERIFY_PARAM_set1_ip_asc(param, origin.host.c_str());
    } else {
        SSL_set_tlsext_host_name(ssl, origin.host.c_str());
        X509_VERIFY_PARAM_set1_host(param, origin.host.c_str(), origin.host.size());
    }
    if (origin.session) SSL_set_session(ssl, origin.session.get());
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    ++tls_stats.handshakes;
    if (ec) {
        // Name the reason OpenSSL's verification gave, not just "handshake failed".
        const long verified = SSL_get_verify_result(ssl);
        if (verified != X509_V_OK) ec.assign(static_cast<int>(verified), tls_verify_category());
        co_return ec;
    }
    if (SSL_session_reused(ssl)) ++tls_stats.resumed;
    co_return ec;
}

/// Keeps a copy of the connection's session for the next connection to the origin.
/// After an answer: a TLS 1.3 server sends its session tickets after the handshake.
/// A copy, not the connection's own: OpenSSL marks that one not resumable when the
/// connection ends without a close_notify of ours (SSL_free), as pooled ones do.
void HttpClient::Impl::keep_session(Origin& origin, Connection& connection) {
    const SSL_SESSION* current = SSL_get0_session(connection.tls->native_handle());
    if (current == nullptr || !SSL_SESSION_is_resumable(current)) return;
    if (SSL_SESSION* copy = SSL_SESSION_dup(current)) origin.session.reset(copy);
}

Awaitable<beast::error_code> HttpClient::Impl::exchange(Origin& origin, const Message& message,
                                                        http::basic_parser<false>& parser,
                                                        std::chrono::milliseconds timeout,
                                                        bool may_resend) {
    Flight flight(watchdog, Clock::now() + timeout);
    parser.body_limit(options.max_body_bytes);
    parser.eager(true);
    const std::size_t size = asio::buffer_size(message);
    for (int attempt = 0;; ++attempt) {
        bool sent_at_once = false;
        auto connection = attempt == 0 ? take_idle(origin) : nullptr;
        const bool reused = connection != nullptr;
        if (!connection) connection = std::make_unique<Connection>(executor);
        flight.socket = &connection->socket;
        beast::error_code ec;
        if (!reused) ec = co_await connect(origin, *connection, flight);

        if (!ec && connection->tls) {
            auto [wec, wn] = co_await asio::async_write(*connection->tls, message, use_tuple);
            ec = wec;
        } else if (!ec) {
            // Synchronous first: an idle connection's send buffer takes a whole request,
            // which saves the completion an async write posts.
            std::size_t written = connection->socket.write_some(message, ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
            sent_at_once = !ec && written == size;
            if (!ec && written < size) {
                beast::buffers_suffix<Message> rest(message);
                rest.consume(written);
                auto [wec, wn] = co_await asio::async_write(connection->socket, rest, use_tuple);
                ec = wec;
            }
        }
        // The answer, read into the connection's buffer (one segment, usually).
        std::size_t leftover = 0;
        std::string pending;
        while (!ec && !parser.is_done()) {
            const auto into = asio::buffer(connection->buffer);
            beast::error_code rec;
            std::size_t n = 0;
            if (connection->tls) {
                std::tie(rec, n) = co_await connection->tls->async_read_some(into, use_tuple);
            } else if (std::exchange(sent_at_once, false)) {
                // Just sent: the answer cannot be here yet, and reading at once (Asio's
                // speculative read) would cost a recvfrom that says EAGAIN on nearly
                // every exchange. So wait for readiness, then read. Only right after a
                // write that completed here: the reactor has not run since, so the
                // answer's arrival is an edge its (edge-triggered) epoll still reports.
                auto [wec] =
                    co_await connection->socket.async_wait(tcp::socket::wait_read, use_tuple);
                rec = wec;
                if (!rec) n = connection->socket.read_some(into, rec);
                if (rec == asio::error::would_block || rec == asio::error::try_again) continue;
            } else {
                std::tie(rec, n) = co_await connection->socket.async_read_some(into, use_tuple);
            }
            const std::string_view bytes(connection->buffer.data(), n);
            ec = rec ? end_of_answer(parser, rec) : feed(parser, bytes, pending, leftover);
        }
        flight.socket = nullptr;
        if (flight.expired) co_return beast::error::timeout;
        if (ec) {
            // Nothing of an answer arrived on a connection the server had closed meanwhile.
            if (may_resend && reused && !parser.got_some() && is_stale_connection(ec)) continue;
            co_return ec;
        }
        if (connection->tls && !reused) keep_session(origin, *connection);
        if (parser.keep_alive() && leftover == 0) give_back(origin, std::move(connection));
        co_return ec;
    }
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), options)) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const noexcept {
    std::size_t n = 0;
    for (const auto& origin : impl_->origins) n += origin->idle.size();
    return n;
}

HttpClient::TlsStats HttpClient::tls_stats() const noexcept {
    return impl_->tls_stats;
}

const asio::any_io_executor& HttpClient::executor() const noexcept {
    return impl_->executor;
}

Awaitable<ClientResult> HttpClient::send(const std::string& host, const std::string& port,
                                         Request request, std::chrono::milliseconds timeout) {
    Url to;
    to.host = host;
    to.port = port;
    co_return co_await send(to, std::move(request), timeout);
}

Awaitable<RawResult> HttpClient::send_raw(const std::string& host, const std::string& port,
                                          RawRequest request, std::chrono::milliseconds timeout) {
    Url to;
    to.host = host;
    to.port = port;
    co_return co_await send_raw(to, request, timeout);
}

Awaitable<ClientResult> HttpClient::send(const Url& to, Request request,
                                         std::chrono::milliseconds timeout) {
    auto& origin = impl_->origin(to.host, to.port, to.tls);
    request.set(http::field::host, host_value(to.host, to.port, to.tls));
    // A string body's size is always known: this sets Content-Length (or
    // removes chunked), so the header below frames the message completely.
    request.prepare_payload();
    const std::string head = serialize_header(request);
    const Message message{asio::buffer(head), asio::const_buffer(), asio::const_buffer(),
                          asio::buffer(request.body())};
    http::response_parser<http::string_body, FieldAllocator<char>> parser;
    auto ec =
        co_await impl_->exchange(origin, message, parser, timeout, is_idempotent(request.method()));
    if (ec) co_return ClientResult{ec, {}};
    co_return ClientResult{{}, parser.release()};
}

Awaitable<RawResult> HttpClient::send_raw(const Url& to, RawRequest request,
                                          std::chrono::milliseconds timeout) {
    auto& origin = impl_->origin(to.host, to.port, to.tls);
    std::array<char, 48> tail_bytes;
    const auto tail = header_tail(request.method, request.body.size(), tail_bytes);
    const Message message{asio::buffer(request.head), asio::buffer(origin.host_line),
                          asio::buffer(tail), asio::buffer(request.body)};
    AnswerParser parser;
    auto ec = co_await impl_->exchange(origin, message, parser, timeout,
                                       request.resend_safe || is_idempotent(request.method));
    if (ec) co_return RawResult{ec, 0, {}, {}};
    co_return RawResult{{}, parser.status(), std::move(parser.body()), std::move(parser.etag())};
}

}  // namespace skill::net
