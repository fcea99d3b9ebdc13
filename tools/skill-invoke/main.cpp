// skill-invoke: send one invocation to a running skill and pretty-print the answer.
//
//   skill-invoke http://127.0.0.1:4242/v1/hello HELLO_INTENT_REPROMPT name=Anna --token "$T"
//
// The status line goes to stderr, the body to stdout, so `| jq` works.
#include "options.hpp"
#include "pretty_json.hpp"

#include <skill/net/http_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include <iostream>

namespace {

using namespace skill;
namespace http = net::http;

constexpr int exit_ok = 0, exit_error_response = 1, exit_usage = 2, exit_no_answer = 3;

std::string base64(std::string_view in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < in.size() ? table[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? table[n & 63] : '=';
    }
    return out;
}

net::Request make_request(const invoke::Options& o, const net::Url& url) {
    net::Request req(o.probe ? http::verb::get : http::verb::post, url.path.empty() ? "/" : url.path, 11);
    req.set(http::field::accept, "application/json");
    if (!o.basic_auth.empty()) req.set(http::field::authorization, "Basic " + base64(o.basic_auth));
    if (o.invocation) {
        req.set(http::field::content_type, "application/json");
        req.body() = o.invocation->json();
    }
    return req;
}

net::ClientResult send(const invoke::Options& o, const net::Url& url) {
    boost::asio::io_context io;
    net::HttpClient client(io.get_executor());
    auto request = make_request(o, url);
    auto future = boost::asio::co_spawn(io, client.send(url, std::move(request), o.timeout),
                                        boost::asio::use_future);
    io.run();
    return future.get();
}

/// Prints the answer; true when it is a response rather than an error.
bool print(const invoke::Options& o, const net::Response& res) {
    std::cerr << "HTTP " << res.result_int() << "\n";
    boost::system::error_code ec;
    auto body = boost::json::parse(res.body(), ec);
    if (o.raw || ec) std::cout << res.body() << "\n";
    else std::cout << invoke::pretty_json(body) << "\n";
    const bool error_body = !ec && body.is_object() && body.as_object().contains("code");
    return res.result_int() == 200 && !error_body;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = invoke::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.options) {
        std::cerr << "skill-invoke: " << parsed.error << "\n" << invoke::usage;
        return exit_usage;
    }
    const auto& options = *parsed.options;
    auto url = net::Url::parse(options.url);
    if (!url) {
        std::cerr << "skill-invoke: not an http:// or https:// URL: " << options.url << "\n";
        return exit_usage;
    }
    auto result = send(options, *url);
    if (result.error) {
        std::cerr << "skill-invoke: no answer from " << options.url << ": " << result.error.message() << "\n";
        return exit_no_answer;
    }
    if (options.probe) return result.response.result_int() == 200 ? exit_ok : exit_error_response;
    return print(options, result.response) ? exit_ok : exit_error_response;
}
