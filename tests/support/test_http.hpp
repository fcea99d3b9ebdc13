#pragma once
// A blocking loopback HTTP/1.1 client for integration tests: lets a test send
// exact bytes (half requests, pipelined requests, oversize headers) and read
// the answers one by one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace skill::test {

struct RawResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    bool keep_alive = false;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

/// A parsed answer as tests read it (header names lower-cased).
RawResponse to_raw_response(const boost::beast::http::response<boost::beast::http::string_body>& msg);

class RawClient {
public:
    explicit RawClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    void send(std::string_view bytes);
    /// Read one response; throws on timeout or a closed connection.
    RawResponse read();
    /// send + read of one request (adds Host, Content-Length, keep-alive).
    RawResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                        std::string_view extra_headers = {});
    /// True when the server closes the connection within the timeout.
    bool closed_by_peer();

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

/// One request on a fresh connection.
RawResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                         std::string_view body = {}, std::string_view extra_headers = {});

/// Path of a built executable: $SKILL_BIN_DIR/<relative>.
std::string built_binary(std::string_view relative);
std::string source_path(std::string_view relative);

}  // namespace skill::test
