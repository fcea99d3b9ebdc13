// skill-invoke: send invocations to a running skill and pretty-print the answers.
//
//   skill-invoke http://127.0.0.1:4242/v1/hello HELLO_INTENT_REPROMPT name=Anna --token "$T"
//   printf 'HELLO_INTENT\nHELLO_INTENT_REPROMPT name=Anna\n' |
//       skill-invoke http://127.0.0.1:4242/v1/hello --dialogue --dev-token anna --locale en
//
// The status line goes to stderr, the body to stdout, so `| jq` works.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <iostream>
#include <skill/net/http_client.hpp>

#include "dev_token.hpp"
#include "options.hpp"
#include "pretty_json.hpp"

namespace {

using namespace skill;
namespace http = net::http;

constexpr int exit_ok = 0, exit_error_response = 1, exit_usage = 2, exit_no_answer = 3;

std::string base64(std::string_view in) {
    static constexpr char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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

net::Request make_request(const invoke::Options& o, const net::Url& url, const std::string* body) {
    net::Request req(body ? http::verb::post : http::verb::get, url.path.empty() ? "/" : url.path,
                     11);
    req.set(http::field::accept, "application/json");
    if (!o.basic_auth.empty()) req.set(http::field::authorization, "Basic " + base64(o.basic_auth));
    if (body) {
        req.set(http::field::content_type, "application/json");
        req.body() = *body;
    }
    return req;
}

net::ClientResult send(const invoke::Options& o, const net::Url& url, const std::string* body) {
    boost::asio::io_context io;
    net::HttpClient client(io.get_executor());
    auto request = make_request(o, url, body);
    auto future = boost::asio::co_spawn(io, client.send(url, std::move(request), o.timeout),
                                        boost::asio::use_future);
    io.run();
    return future.get();
}

/// Prints the answer; true when it is a response rather than an error.
bool print(const invoke::Options& o, const net::Response& res, const boost::json::value& body,
           bool parsed) {
    std::cerr << "HTTP " << res.result_int() << "\n";
    if (o.raw || !parsed)
        std::cout << res.body() << "\n";
    else
        std::cout << invoke::pretty_json(body) << "\n";
    const bool error_body = parsed && body.is_object() && body.as_object().contains("code");
    return res.result_int() == 200 && !error_body;
}

/// The session attributes an answer sets (string values only, as the SPI has them).
std::map<std::string, std::string> session_attributes(const boost::json::value& body) {
    std::map<std::string, std::string> out;
    const auto* object = body.if_object();
    const auto* session = object ? object->if_contains("session") : nullptr;
    const auto* attributes =
        session && session->is_object() ? session->as_object().if_contains("attributes") : nullptr;
    if (attributes && attributes->is_object())
        for (const auto& [key, value] : attributes->as_object())
            if (value.is_string()) out.emplace(key, value.as_string());
    return out;
}

struct Answer {
    int exit_code;
    std::map<std::string, std::string> attributes;  // set when the answer is a response
};

Answer invoke_once(const invoke::Options& o, const net::Url& url, const std::string& body) {
    auto result = send(o, url, &body);
    if (result.error) {
        std::cerr << "skill-invoke: no answer from " << o.url << ": " << result.error.message()
                  << "\n";
        return {exit_no_answer, {}};
    }
    boost::system::error_code ec;
    auto json = boost::json::parse(result.response.body(), ec);
    if (!print(o, result.response, json, !ec)) return {exit_error_response, {}};
    return {exit_ok, session_attributes(json)};
}

/// Turns from stdin, one session: each response's session attributes go with the next
/// turn; an error answer keeps the previous ones (as skill::testing::Dialogue does).
int run_dialogue(const invoke::Options& o, const net::Url& url) {
    const std::string session_id = "skill-invoke-" + std::to_string(::getpid());
    std::map<std::string, std::string> attributes;
    int worst = exit_ok, turns = 0;
    std::string line;
    for (int number = 1; std::getline(std::cin, line); ++number) {
        auto parsed = invoke::parse_turn(line);
        if (!parsed.turn) {
            if (parsed.error.empty()) continue;
            std::cerr << "skill-invoke: line " << number << ": " << parsed.error << "\n";
            return exit_usage;
        }
        auto invocation = invoke::build_invocation(*parsed.turn, o.caller);
        invocation.session(session_id, attributes, turns++ == 0);
        std::cerr << "> " << line << "\n";
        auto answer = invoke_once(o, url, invocation.json());
        if (answer.exit_code == exit_no_answer) return exit_no_answer;
        if (answer.exit_code == exit_ok) attributes = std::move(answer.attributes);
        worst = std::max(worst, answer.exit_code);
    }
    return worst;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = invoke::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.options) {
        std::cerr << "skill-invoke: " << parsed.error << "\n" << invoke::usage;
        return exit_usage;
    }
    auto& options = *parsed.options;
    if (options.help) {
        std::cout << invoke::usage;
        return exit_ok;
    }
    auto url = net::Url::parse(options.url);
    if (!url) {
        std::cerr << "skill-invoke: not an http:// or https:// URL: " << options.url << "\n";
        return exit_usage;
    }
    if (options.probe) {
        auto result = send(options, *url, nullptr);
        if (result.error) {
            std::cerr << "skill-invoke: no answer from " << options.url << ": "
                      << result.error.message() << "\n";
            return exit_no_answer;
        }
        return result.response.result_int() == 200 ? exit_ok : exit_error_response;
    }
    if (!options.caller.dev_user.empty()) {
        auto token =
            invoke::dev_token(argv[0], options.caller.dev_user, invoke::dev_token_skill(options));
        if (!token.token) {
            std::cerr << "skill-invoke: --dev-token: " << token.error << "\n";
            return exit_usage;
        }
        options.caller.token = std::move(token.token);
    }
    if (options.dialogue) return run_dialogue(options, *url);
    auto invocation = invoke::build_invocation(*options.turn, options.caller);
    if (options.session || !options.attributes.empty() || options.is_new)
        invocation.session(options.session.value_or("skill-invoke"), options.attributes,
                           options.is_new);
    return invoke_once(options, *url, invocation.json()).exit_code;
}
