#include "skill_server.hpp"

#include "exposition.hpp"
#include "request_log.hpp"
#include "response_writer.hpp"
#include "trace.hpp"

#include <skill/ascii.hpp>
#include <skill/log.hpp>
#include <skill/secure_compare.hpp>
#include <skill/net/http_server.hpp>
#include <skill/net/task_bridge.hpp>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>

namespace skill::runtime {

namespace http = net::http;
namespace json = boost::json;

namespace {

/// The credentials of `Authorization: Basic <credentials>`: base64(user:password).
std::string basic_credentials(std::string_view user, std::string_view password) {
    namespace b64 = boost::beast::detail::base64;
    std::string plain = std::string(user) + ":" + std::string(password);
    std::string out(b64::encoded_size(plain.size()), '\0');
    out.resize(b64::encode(out.data(), plain.data(), plain.size()));
    return out;
}

/// The credentials of an Authorization value whose scheme is Basic, in any letter
/// case (RFC 9110 §11.1: scheme names are case-insensitive), after 1*SP; nothing
/// for another scheme. The credentials themselves are returned as sent.
std::optional<std::string_view> basic_credentials_of(std::string_view authorization) {
    constexpr std::string_view scheme = "basic";
    if (authorization.size() <= scheme.size() || authorization[scheme.size()] != ' ' ||
        !ascii::istarts_with(authorization, scheme))
        return std::nullopt;
    std::string_view credentials = authorization.substr(scheme.size());
    while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
    return credentials;
}

net::Response answer(const net::Request& req, http::status status, std::string body) {
    return net::json_response(req, status, std::move(body));
}

std::string_view method_label(http::verb method) {
    switch (method) {
    case http::verb::get: return "GET";
    case http::verb::head: return "HEAD";
    case http::verb::post: return "POST";
    default: return "other";  // bounded: a client cannot create series
    }
}

constexpr std::string_view liveness_path = "/k8s/liveness", readiness_path = "/k8s/readiness",
                           prometheus_path = "/prometheus";

}  // namespace

std::string http_error_body(http::status status, std::string_view detail) {
    int code = status == http::status::not_found ? 1 : status >= http::status::internal_server_error ? 999 : 3;
    return write_error(code, std::string(http::obsolete_reason(status)), detail);
}

Router::Router(const Settings& settings, const Dispatcher& dispatcher, std::function<bool()> ready,
               Metrics& metrics)
    : settings_(settings),
      dispatcher_(dispatcher),
      ready_(std::move(ready)),
      metrics_(metrics),
      info_path_(settings.skill.api_base + "/info") {
    json::array locales;
    for (auto& l : settings.skill.locales) locales.emplace_back(l);
    info_body_ = json::serialize(json::object{{"skillId", settings.skill.id},
                                              {"skillSpiVersion", "1.4.1"},
                                              {"skillVersion", settings.skill.version},
                                              {"supportedLocales", std::move(locales)}});
    if (settings.skill.auth == Settings::Skill::Auth::basic)
        expected_credentials_ = basic_credentials("cvi", settings.skill.api_key);
}

bool Router::authorised(const net::Request& req) const {
    if (expected_credentials_.empty()) return true;
    // The scheme name is public; only the credentials are compared in constant time.
    const auto credentials = basic_credentials_of(req[http::field::authorization]);
    return credentials && constant_time_equal(*credentials, expected_credentials_);
}

net::Awaitable<net::Response> Router::route(net::Request& req, ThreadServices services) const {
    const auto started = std::chrono::steady_clock::now();
    metrics_.request_started(services.shard);
    std::string_view path = req.target();
    path = path.substr(0, path.find('?'));
    Invoked out;
    try {
        // A coroutine frame per layer costs an allocation: only the invocation awaits, and
        // below this one Asio frame (and await_task's) it runs as Tasks from the frame cache.
        if (path == settings_.skill.api_base && req.method() == http::verb::post) {
            auto task = invoke(req, services, started);  // named: GCC 12 and co_await temporaries
            auto running = net::await_task(std::move(task),
                                           net::steady_ns(dispatcher_.deadline_from(started)));
            out = co_await std::move(running);
        } else {
            out.response = endpoint(req, path);
            out.ended = std::chrono::steady_clock::now();
        }
    } catch (...) {
        // The server answers 500.
        record(services.shard, req, path, 500, "", started, std::chrono::steady_clock::now());
        throw;
    }
    record(services.shard, req, path, static_cast<int>(out.response.result_int()),
           dispatcher_.intent_label(out.intent), started, out.ended);
    co_return std::move(out.response);
}

void Router::record(unsigned shard, const net::Request& req, std::string_view path, int status,
                    std::string_view intent, std::chrono::steady_clock::time_point started,
                    std::chrono::steady_clock::time_point ended) const {
    RequestLabels labels{method_label(req.method()), uri_label(path), status, intent};
    metrics_.request_finished(shard, labels, ended - started);
}

std::string_view Router::uri_label(std::string_view path) const {
    if (path == settings_.skill.api_base) return settings_.skill.api_base;
    if (path == info_path_) return info_path_;
    for (auto known : {liveness_path, readiness_path, prometheus_path})
        if (path == known) return known;
    return "other";  // never the raw path: a scanner would create a series per URL
}

net::Response Router::endpoint(const net::Request& req, std::string_view path) const {
    const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
    auto wrong_method = [&](std::string_view allowed) {
        auto res = answer(req, http::status::method_not_allowed,
                          http_error_body(http::status::method_not_allowed,
                                          "use " + std::string(allowed) + " on " + std::string(path)));
        res.set(http::field::allow, allowed);
        return res;
    };

    if (path == settings_.skill.api_base) return wrong_method("POST");  // route() took POST
    if (path == info_path_) {
        if (!get) return wrong_method("GET");
        if (!authorised(req)) return answer(req, http::status::unauthorized, R"({"text":"Access denied"})");
        return answer(req, http::status::ok, info_body_);
    }
    if (path == liveness_path) {
        if (!get) return wrong_method("GET");
        return answer(req, http::status::ok, R"({"status":"ok"})");
    }
    if (path == readiness_path) {
        if (!get) return wrong_method("GET");
        if (!ready_()) return answer(req, http::status::service_unavailable, R"({"status":"unavailable"})");
        return answer(req, http::status::ok, R"({"status":"ok"})");
    }
    if (path == prometheus_path) {
        if (!get) return wrong_method("GET");
        auto res = answer(req, http::status::ok, metrics_.render());
        res.set(http::field::content_type, prometheus::content_type);
        return res;
    }
    return answer(req, http::status::not_found,
                     http_error_body(http::status::not_found, "no endpoint " + std::string(path)));
}

Task<Router::Invoked> Router::invoke(net::Request& req, const ThreadServices& services,
                                     std::chrono::steady_clock::time_point started) const {
    const Trace trace = trace_of(req);
    const RequestLog request_log = request_log_of(req);
    if (request_log.debug_enabled())
        request_log.debug("http", "invocation received",
                          {{"path", loggable_path(req.target())},
                           {"bytes", static_cast<std::int64_t>(req.body().size())},
                           {"traceId", trace.trace_id()},
                           {"spanId", trace.span_id()}});
    if (!authorised(req)) {
        log::warning("http", "access denied",
                     {{"path", loggable_path(req.target())}, {"traceId", trace.trace_id()}, {"spanId", trace.span_id()}});
        co_return Invoked{answer(req, http::status::unauthorized, R"({"text":"Access denied"})"), {},
                          std::chrono::steady_clock::now()};
    }
    // A named input: GCC 12 destroys some temporaries of a co_await full-expression twice.
    auto trace_headers = [&trace] { return trace.headers(); };
    InvocationInput input{req.body(),     services.persistence, trace_headers,
                          std::string(trace.trace_id()), trace.span_id(), request_log,
                          services.partners};
    auto dispatched = dispatcher_.invoke(std::move(input));
    Outcome out = co_await std::move(dispatched);
    const bool apologised = out.persistence_failed || out.partner_failed;
    if (apologised) metrics_.unavailable_answer(services.shard);

    // The dispatcher's reading of the clock when the answer was ready, if it got that far.
    const auto ended =
        out.ended != std::chrono::steady_clock::time_point{} ? out.ended : std::chrono::steady_clock::now();
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(ended - started).count();
    auto level = out.status >= 500 || apologised ? log::Level::error
                 : out.status >= 400                           ? log::Level::warning
                                                               : log::Level::info;
    if (log::enabled(level))
        log::write(level, "http", out.error.empty() ? "invocation" : out.error,
                   {{"method", req.method_string()},
                    {"path", loggable_path(req.target())},
                    {"intent", out.intent},
                    {"status", static_cast<std::int64_t>(out.status)},
                    {"durationMs", static_cast<double>(micros) / 1000.0},
                    {"traceId", trace.trace_id()},
                    {"spanId", trace.span_id()}});
    auto res = answer(req, static_cast<http::status>(out.status), std::move(out.body));
    res.set("X-B3-TraceId", trace.trace_id());
    co_return Invoked{std::move(res), std::move(out.intent), ended};
}

}  // namespace skill::runtime
