#include "test_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/message.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace skill::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout) : socket_(io_) {
    socket_.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void RawClient::send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

RawResponse to_raw_response(const http::response<http::string_body>& msg) {
    RawResponse out;
    out.status = static_cast<int>(msg.result_int());
    out.body = msg.body();
    out.keep_alive = msg.keep_alive();
    for (auto& field : msg) {
        std::string name(field.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[name] = std::string(field.value());
    }
    return out;
}

RawResponse RawClient::read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    return to_raw_response(parser.get());
}

RawResponse RawClient::request(std::string_view method, std::string_view target, std::string_view body,
                               std::string_view extra_headers) {
    std::string req;
    req.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    req.append(extra_headers);
    if (!body.empty() || method == "POST") {
        req.append("Content-Type: application/json\r\nContent-Length: ")
            .append(std::to_string(body.size()))
            .append("\r\n");
    }
    req.append("\r\n").append(body);
    send(req);
    return read();
}

bool RawClient::closed_by_peer() {
    char byte;
    boost::system::error_code ec;
    for (;;) {
        auto n = socket_.read_some(asio::buffer(&byte, 1), ec);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
        if (ec) return false;  // timeout (EAGAIN) or another error
        (void)n;               // stray bytes (e.g. an error response): keep reading
    }
}

RawResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                         std::string_view body, std::string_view extra_headers) {
    RawClient client(port);
    return client.request(method, target, body, extra_headers);
}

std::string built_binary(std::string_view relative) {
    const char* dir = std::getenv("SKILL_BIN_DIR");
    if (!dir) throw std::runtime_error("SKILL_BIN_DIR is not set (run the test through ctest)");
    return std::string(dir) + "/" + std::string(relative);
}

std::string source_path(std::string_view relative) {
    const char* dir = std::getenv("SKILL_SOURCE_DIR");
    if (!dir) throw std::runtime_error("SKILL_SOURCE_DIR is not set (run the test through ctest)");
    return std::string(dir) + "/" + std::string(relative);
}

}  // namespace skill::test
