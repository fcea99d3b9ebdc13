// libFuzzer target: the skill server's request path. Raw bytes are read as
// HTTP/1.1 requests the way HttpServer reads them (its header and body limits,
// pipelining), then each goes through the Engine's router on a one-thread io_context
// with one trivial handler and persistence inactive.
// Invariants: route never throws; every answer has a status the protocol knows,
// is JSON (but /prometheus), is never a 500 (the handler cannot fail), and an invocation answer
// has `type` and `text`.
#include "engine_impl.hpp"
#include "fuzz_http.hpp"

#include <skill/log.hpp>
#include <skill/skill.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <chrono>

namespace {

using namespace skill;
namespace http = net::http;
using fuzz::violated;

Task<Response> hello(Context& ctx) {
    auto name = ctx.slot("name").value_or("nobody");
    ctx.session_attributes()["seen"] = name;
    co_return ask("hi " + name);
}

const IntentRegistry& registry() {
    static const IntentRegistry r = [] {
        IntentRegistry reg;
        reg.add("HELLO_INTENT", hello);
        return reg;
    }();
    return r;
}

runtime::Settings fuzz_settings(bool basic_auth) {
    runtime::Settings s;
    s.skill.name = s.skill.id = "hello";
    s.skill.api_base = "/v1/hello";
    s.skill.locales = {"de", "en"};
    s.skill.timeout = std::chrono::seconds(5);
    if (basic_auth) {
        s.skill.auth = runtime::Settings::Skill::Auth::basic;
        s.skill.api_key = "fuzz-key";
    }
    s.persistence.active = false;
    return s;
}

struct Server {
    explicit Server(bool basic_auth) : engine(runtime::make_engine(fuzz_settings(basic_auth), registry())) {}
    const runtime::Settings& settings() const { return engine.impl().settings; }
    mutable Engine engine;
};

bool known_status(http::status s) {
    switch (s) {
        case http::status::ok:
        case http::status::bad_request:
        case http::status::unauthorized:
        case http::status::not_found:
        case http::status::method_not_allowed:
        case http::status::service_unavailable:
        case http::status::gateway_timeout:
            return true;
        default:
            return false;
    }
}

void check(const net::Request& req, const net::Response& res, const std::string& api_base) {
    if (!known_status(res.result())) violated("unexpected status");
    const auto target = req.target();
    if (res.result() == http::status::ok && target.substr(0, target.find('?')) == "/prometheus") {
        if (res[http::field::content_type].find("text/plain") == std::string_view::npos)
            violated("/prometheus is not text/plain");
        return;  // the exposition format, not JSON
    }
    fuzz::check_json_answer(res);
    if (res.result() == http::status::ok && req.target() == api_base) {
        auto v = boost::json::parse(res.body()).as_object();
        if (!v.contains("type") || !v.contains("text")) violated("invocation answer lacks type/text");
    }
}

void route(const Server& server, boost::asio::io_context& io, net::Request& req) {
    net::Response res = fuzz::run_to_completion(
        io, [&] { return server.engine.impl().router.route(req, runtime::ThreadServices{}); });
    check(req, res, server.settings().skill.api_base);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::configure(log::Level::off, log::Format::json);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static boost::asio::io_context io{1};
    static const Server open{false};
    static const Server guarded{true};
    // The limits HttpServer applies for these settings (engine.cpp: server_options).
    static const auto limits = runtime::server_options(open.settings()).limits;
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // A pipelined connection: up to four requests, as long as they parse.
    for (int i = 0; i < 4 && !bytes.empty(); ++i) {
        auto req = fuzz::next_request(bytes, limits.max_header_bytes, limits.max_body_bytes);
        if (!req) break;
        net::Request copy = *req;  // route may move out of the body
        route(open, io, *req);
        if (copy.count(http::field::authorization)) route(guarded, io, copy);
    }
    return 0;
}
