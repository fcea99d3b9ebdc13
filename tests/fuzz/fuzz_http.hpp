#pragma once
// Shared by the HTTP fuzz targets: split raw bytes into requests exactly as
// skill::net::HttpServer reads them (Beast's request parser with the server's
// limits), and run one request handler coroutine to completion.
#include <skill/net/http.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

namespace skill::fuzz {

namespace http = net::http;

/// Aborts with `what`: libFuzzer reports it as a crash and keeps the input.
[[noreturn]] inline void violated(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

/// The next complete request at the front of `bytes` (consumed), or nothing when the
/// rest is malformed, over a limit or truncated (the server answers those itself).
inline std::optional<net::Request> next_request(std::string_view& bytes, std::size_t header_limit,
                                                std::size_t body_limit) {
    http::request_parser<http::string_body, net::FieldAllocator<char>> parser;  // as the server
    parser.header_limit(static_cast<std::uint32_t>(header_limit));
    parser.body_limit(body_limit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
        bytes.remove_prefix(used);
        if (ec == http::error::need_more && used > 0) {
            ec = {};
            continue;
        }
        if (ec || used == 0) break;
    }
    if (ec && ec != http::error::need_more) return std::nullopt;
    // The server answers a bad Transfer-Encoding 400 and closes: nothing after it is read.
    if (parser.is_header_done() && !net::framing_acceptable(parser.get(), parser.chunked())) {
        bytes = {};
        return std::nullopt;
    }
    if (!parser.is_done()) {
        ec = {};
        parser.put_eof(ec);  // the peer closed: fine only when the message ends at EOF
        if (ec || !parser.is_done()) return std::nullopt;
    }
    return parser.release();
}

/// Runs `make()`'s awaitable on `io` until it completes; rethrows what it threw.
template <class MakeAwaitable>
net::Response run_to_completion(boost::asio::io_context& io, MakeAwaitable make) {
    std::optional<net::Response> out;
    std::exception_ptr error;
    boost::asio::co_spawn(io, make(), [&](std::exception_ptr e, net::Response res) {
        error = e;
        out = std::move(res);
    });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
    if (!out) violated("handler never completed");
    return std::move(*out);
}

/// Every answer: Content-Type application/json and a JSON body (204 has none).
inline void check_json_answer(const net::Response& res) {
    if (res.result() == http::status::no_content) {
        if (!res.body().empty()) violated("204 with a body");
        return;
    }
    if (res[http::field::content_type] != "application/json") violated("not application/json");
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    if (ec || !v.is_object()) violated("answer body is not a JSON object");
}

}  // namespace skill::fuzz
