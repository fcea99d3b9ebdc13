#pragma once
// A small async HTTP/1.1 client with a keep-alive connection pool. One
// instance per I/O thread (not thread-safe by design: no locks).
#include <skill/net/http.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace skill::net {

/// http://host[:port][/path]; https is not spoken (terminate TLS in a sidecar).
struct Url {
    std::string host;
    std::string port = "80";
    std::string path;  // without a trailing '/', may be empty
    static std::optional<Url> parse(std::string_view text);
};

struct ClientOptions {
    // Per host:port. Above the concurrency one I/O thread sees (the benchmark's 32
    // invocations in flight): a connection returned over the limit is closed, and
    // the next burst pays a connect for it.
    std::size_t max_idle_connections = 64;
    std::size_t max_body_bytes = 8 * 1024 * 1024;
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
};

/// The answer to a RawRequest: its status and body (its fields are checked by
/// Beast's parser, then dropped).
struct RawResult {
    boost::system::error_code error;  // set when no complete response arrived
    unsigned status = 0;
    std::string body;
};

class HttpClient {
public:
    explicit HttpClient(boost::asio::any_io_executor executor, ClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Send `request` (Host and Content-Length are set here) to host:port and
    /// read the answer within `timeout` (connect included). A pooled connection
    /// the server closed meanwhile is retried once on a fresh one.
    Awaitable<ClientResult> send(const std::string& host, const std::string& port,
                                 Request request, std::chrono::milliseconds timeout);

    /// The same exchange for a request serialised by the caller; same pool,
    /// timeout and retry. The bytes on the wire are those send() would write for
    /// the same request.
    Awaitable<RawResult> send_raw(const std::string& host, const std::string& port,
                                  RawRequest request, std::chrono::milliseconds timeout);

    std::size_t idle_connections() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::net
