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
    std::size_t max_idle_connections = 16;  // per host:port
    std::size_t max_body_bytes = 8 * 1024 * 1024;
};

struct ClientResult {
    boost::system::error_code error;  // set when no complete response arrived
    Response response;
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

    std::size_t idle_connections() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::net
