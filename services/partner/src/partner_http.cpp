// HttpPartnerTransport: one partner call = one HTTP exchange. Every outcome becomes a
// PartnerResponse or a typed PartnerError, and tells the partner's circuit breaker what it
// says about the partner's health (the persistence client's rules, http_transport.cpp).
#include <skill/partner_http.hpp>
#include <skill/net/task_bridge.hpp>

#include <skill/json.hpp>
#include <skill/log.hpp>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace skill {

namespace {

namespace http = net::http;

// No complete answer arrived: why?
PartnerErrc classify(const boost::system::error_code& ec) {
    switch (net::classify_failure(ec)) {
        case net::CallFailure::timeout: return PartnerErrc::timeout;
        case net::CallFailure::tls: return PartnerErrc::tls;
        case net::CallFailure::bad_response: return PartnerErrc::bad_response;
        case net::CallFailure::unreachable: break;
    }
    return PartnerErrc::unreachable;
}

http::verb verb_of(PartnerMethod method) {
    switch (method) {
        case PartnerMethod::get: return http::verb::get;
        case PartnerMethod::post: return http::verb::post;
        case PartnerMethod::put: return http::verb::put;
        case PartnerMethod::remove: return http::verb::delete_;
    }
    return http::verb::get;
}

std::string_view operation_of(PartnerMethod method) {
    switch (method) {
        case PartnerMethod::get: return "get";
        case PartnerMethod::post: return "post";
        case PartnerMethod::put: return "put";
        case PartnerMethod::remove: return "delete";
    }
    return "get";
}

std::string_view trace_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (boost::beast::iequals(key, name)) return value;
    return {};
}

PartnerError error(PartnerErrc code, std::string_view partner, PartnerMethod method,
                   std::string_view what, int status = 0) {
    return PartnerError(code, std::string(partner),
                        "partner " + std::string(partner) + " " + std::string(to_string(method)) +
                            ": " + std::string(what),
                        status);
}

net::Request make_request(const PartnerDirectory::Entry& entry, const PartnerTransport::Call& call) {
    auto request = net::json_request(verb_of(call.method), entry.url.path + std::string(call.target));
    request.set(http::field::user_agent, "skill-sdk-cpp");
    if (call.body != nullptr) {
        request.set(http::field::content_type, "application/json");
        request.body() = *call.body;
    }
    for (const auto& [name, value] : call.trace_headers) request.set(name, value);
    // Checked by PartnerSession (token names, no control bytes, no framing fields).
    for (const auto& [name, value] : call.headers) request.insert(name, value);
    return request;
}

}  // namespace

std::optional<net::Url> parse_partner_url(std::string_view text) {
    auto url = net::Url::parse(text);
    if (!url) return std::nullopt;
    // The base path: calls append their own path and query.
    if (url->path.find_first_of("?#") != std::string::npos) return std::nullopt;
    return url;
}

PartnerDirectory::PartnerDirectory(const std::vector<PartnerOptions>& partners) {
    entries_.reserve(partners.size());
    for (const auto& p : partners) {
        auto url = parse_partner_url(p.url);
        if (!url) {
            throw std::invalid_argument("partner " + p.name + ": unsupported url '" + p.url +
                                        "' (expected http(s)://host[:port][/path])");
        }
        entries_.push_back(Entry{p.name, std::move(*url), p.timeout,
                                 std::make_unique<CircuitBreaker>(p.breaker_threshold,
                                                                  p.breaker_timeout)});
    }
}

const PartnerDirectory::Entry* PartnerDirectory::find(std::string_view name) const noexcept {
    for (const auto& e : entries_)
        if (e.name == name) return &e;
    return nullptr;
}

HttpPartnerTransport::HttpPartnerTransport(const PartnerDirectory& partners,
                                           net::HttpClient& client, PartnerObserver observer)
    : partners_(partners), client_(client), observer_(std::move(observer)) {}

bool HttpPartnerTransport::has(std::string_view partner) const noexcept {
    return partners_.find(partner) != nullptr;
}

Task<PartnerResponse> HttpPartnerTransport::call(Call call) {
    const auto* entry = partners_.find(call.partner);
    if (entry == nullptr) {
        throw PartnerError(PartnerErrc::unknown_partner, std::string(call.partner),
                           "partner " + std::string(call.partner) + " is not declared");
    }
    const auto started = std::chrono::steady_clock::now();
    int http_status = 0;
    try {
        if (!entry->breaker->allow()) {
            throw error(PartnerErrc::circuit_open, call.partner, call.method,
                        "failing fast after repeated failures (circuit breaker open)");
        }
        // The invocation's deadline bounds the call, so the handler (or the runtime's
        // apology) still has time to answer.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            call.deadline - std::chrono::steady_clock::now());
        const auto timeout = std::clamp(left, std::chrono::milliseconds(1), entry->timeout);
        // Named: GCC 12 may destroy a temporary of a co_await expression twice.
        auto request = make_request(*entry, call);
        auto exchange = net::on_asio(client_.executor(), client_.send(entry->url, std::move(request), timeout));
        auto result = co_await exchange;
        if (!result.error) http_status = static_cast<int>(result.response.result_int());

        // The persistence client's rules: only "the partner is unwell" counts.
        entry->breaker->record(result.error, http_status);
        if (result.error) {
            std::string what = result.error.message();
            if (net::is_tls_error(result.error))
                what = "TLS with " + entry->url.host + ":" + entry->url.port + ": " + what;
            throw error(classify(result.error), call.partner, call.method, what);
        }
        if (http_status >= 500) {
            throw error(PartnerErrc::server_error, call.partner, call.method,
                        "server error " + std::to_string(http_status), http_status);
        }
        PartnerResponse answer;
        answer.status = http_status;
        answer.text = std::move(result.response.body());
        if (!answer.text.empty()) {
            boost::system::error_code ec;
            auto value = boost::json::parse(answer.text, ec);
            if (!ec) {
                answer.body = to_document(std::move(value));
            } else if (answer.ok()) {
                throw error(PartnerErrc::bad_response, call.partner, call.method,
                            "the answer is not JSON", http_status);
            }
        }
        if (observer_) {
            observer_(PartnerCallEvent{call.partner, call.method, http_status, std::nullopt,
                                       std::chrono::steady_clock::now() - started});
        }
        co_return answer;
    } catch (const PartnerError& e) {
        // The path without its query, no header value: either may carry credentials.
        const auto target = call.target.substr(0, call.target.find('?'));
        log::warning("partner", e.what(),
                     {{"partner", call.partner},
                      {"operation", operation_of(call.method)},
                      {"path", target},
                      {"error", to_string(e.code())},
                      {"status", static_cast<std::int64_t>(e.http_status())},
                      {"traceId", trace_header(call.trace_headers, "X-B3-TraceId")},
                      {"spanId", trace_header(call.trace_headers, "X-B3-SpanId")}});
        if (observer_) {
            observer_(PartnerCallEvent{call.partner, call.method, e.http_status(), e.code(),
                                       std::chrono::steady_clock::now() - started});
        }
        throw;
    }
}

}  // namespace skill
