#include <skill/net/http_client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <unordered_map>
#include <vector>

namespace skill::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

/// Errors that mean "the pooled connection was already closed by the server".
bool is_stale_connection(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

/// The request line and fields exactly as Beast's serializer writes them. Beast's
/// generic buffer sequences cost more CPU than the rest of a persistence call.
std::string serialize_header(const Request& req) {
    const unsigned version = req.version();
    std::string out;
    out.reserve(256);
    out += req.method_string();
    out += ' ';
    out += req.target();
    out += " HTTP/";
    out += static_cast<char>('0' + version / 10 % 10);
    out += '.';
    out += static_cast<char>('0' + version % 10);
    out += "\r\n";
    for (const auto& field : req) {
        out += field.name_string();
        out += ": ";
        out += field.value();
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}
}  // namespace

std::optional<Url> Url::parse(std::string_view text) {
    constexpr std::string_view scheme = "http://";
    if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
    text.remove_prefix(scheme.size());
    auto slash = text.find('/');
    std::string_view authority = text.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : text.substr(slash);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials in URLs

    Url url;
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

struct HttpClient::Impl {
    asio::any_io_executor executor;
    ClientOptions options;
    // host:port -> idle keep-alive connections (LIFO: the warmest first)
    std::unordered_map<std::string, std::vector<std::unique_ptr<beast::tcp_stream>>> idle;

    std::unique_ptr<beast::tcp_stream> take_idle(const std::string& key) {
        auto it = idle.find(key);
        if (it == idle.end() || it->second.empty()) return nullptr;
        auto stream = std::move(it->second.back());
        it->second.pop_back();
        return stream;
    }

    void give_back(const std::string& key, std::unique_ptr<beast::tcp_stream> stream) {
        auto& pool = idle[key];
        if (pool.size() < options.max_idle_connections) pool.push_back(std::move(stream));
    }

    Awaitable<beast::error_code> connect(beast::tcp_stream& stream, const std::string& host,
                                         const std::string& port) {
        beast::error_code ec;
        auto address = asio::ip::make_address(host, ec);
        if (!ec) {
            unsigned short p = static_cast<unsigned short>(std::stoul(port));
            auto [cec] = co_await stream.async_connect(tcp::endpoint{address, p}, use_tuple);
            co_return cec;
        }
        tcp::resolver resolver(executor);
        auto [rec, results] = co_await resolver.async_resolve(host, port, use_tuple);
        if (rec) co_return rec;
        auto [cec, endpoint] = co_await stream.async_connect(results, use_tuple);
        co_return cec;
    }
};

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::move(executor), options, {}})) {}

HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const noexcept {
    std::size_t n = 0;
    for (auto& [key, pool] : impl_->idle) n += pool.size();
    return n;
}

Awaitable<ClientResult> HttpClient::send(const std::string& host, const std::string& port,
                                         Request request, std::chrono::milliseconds timeout) {
    auto& im = *impl_;
    const std::string key = host + ':' + port;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    request.set(http::field::host, port == "80" ? host : key);
    request.prepare_payload();
    // Serialised once: a retry on a fresh connection sends the same bytes.
    const std::string head = request.chunked() ? std::string() : serialize_header(request);

    for (int attempt = 0;; ++attempt) {
        auto stream = attempt == 0 ? im.take_idle(key) : nullptr;
        const bool reused = stream != nullptr;
        if (!stream) {
            stream = std::make_unique<beast::tcp_stream>(im.executor);
            stream->expires_at(deadline);
            if (auto ec = co_await im.connect(*stream, host, port)) co_return ClientResult{ec, {}};
            stream->socket().set_option(tcp::no_delay(true));
        }
        stream->expires_at(deadline);
        beast::error_code wec;
        if (head.empty()) {
            auto [ec, n] = co_await http::async_write(*stream, request, use_tuple);
            wec = ec;
        } else {
            std::array<asio::const_buffer, 2> message{asio::buffer(head), asio::buffer(request.body())};
            auto [ec, n] = co_await asio::async_write(*stream, message, use_tuple);
            wec = ec;
        }
        if (wec) {
            if (reused && is_stale_connection(wec)) continue;
            co_return ClientResult{wec, {}};
        }
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(im.options.max_body_bytes);
        auto [rec, rn] = co_await http::async_read(*stream, buffer, parser, use_tuple);
        if (rec) {
            if (reused && !parser.got_some() && is_stale_connection(rec)) continue;
            co_return ClientResult{rec, {}};
        }
        Response response = parser.release();
        if (response.keep_alive() && buffer.size() == 0) {
            stream->expires_never();
            im.give_back(key, std::move(stream));
        }
        co_return ClientResult{{}, std::move(response)};
    }
}

}  // namespace skill::net
