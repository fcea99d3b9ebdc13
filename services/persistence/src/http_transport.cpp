// HttpPersistenceTransport: one persistence call = one HTTP exchange
// (protocol.md §5). Every outcome becomes a value or a typed PersistenceError,
// and is reported to the circuit breaker.
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <skill/log.hpp>
#include <skill/persistence_http.hpp>
#include <stdexcept>

namespace skill {

namespace {

using Operation = PersistenceTransport::Operation;
namespace http = net::http;

std::string_view describe(Operation op) {
    switch (op) {
        case Operation::get:
            return "get";
        case Operation::get_all:
            return "get_all";
        case Operation::set:
            return "set";
        case Operation::remove:
            return "remove";
    }
    return "call";
}

PersistenceError error(PersistenceErrc code, Operation op, std::string_view what, int status = 0) {
    return PersistenceError(
        code, "persistence " + std::string(describe(op)) + ": " + std::string(what), status);
}

// No complete answer arrived: why?
PersistenceErrc classify(const boost::system::error_code& ec) {
    namespace asio_error = boost::asio::error;
    // operation_aborted: the invocation's deadline cancelled the call; it ran out of time too.
    if (ec == boost::beast::error::timeout || ec == asio_error::timed_out ||
        ec == asio_error::operation_aborted) {
        return PersistenceErrc::timeout;
    }
    // Beast's HTTP errors (partial_message, body_limit, bad_* ...): the server
    // answered, but cut the message off or sent one we cannot or will not read.
    const auto& http_category = http::make_error_code(http::error::end_of_stream).category();
    if (ec.category() == http_category && ec != http::error::end_of_stream) {
        return PersistenceErrc::bad_response;
    }
    // Refused, reset, unknown host, closed before a single byte
    // (http::error::end_of_stream / asio eof), and anything unforeseen.
    return PersistenceErrc::unreachable;
}

bool counts_as_failure(PersistenceErrc code) {
    // 401/403 prove the service is up: only the caller's token was refused.
    return code != PersistenceErrc::unauthorized;
}

boost::json::value parse_json(const std::string& body, Operation op, int status) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) throw error(PersistenceErrc::bad_response, op, "the answer is not JSON", status);
    return value;
}

boost::json::value expect_object(boost::json::value value, Operation op, int status) {
    if (!value.is_object()) {
        throw error(PersistenceErrc::bad_response, op, "the answer is not a JSON object", status);
    }
    return value;
}

// A 2xx or 404 answer → the value PersistenceTransport::call promises.
boost::json::value success_value(Operation op, int status, const std::string& body) {
    bool found = status != 404;
    switch (op) {
        case Operation::get:
            if (!found) return nullptr;  // nothing stored yet
            return expect_object(parse_json(body, op, status), op, status);
        case Operation::get_all:
            if (!found) return boost::json::object();
            return expect_object(parse_json(body, op, status), op, status);
        case Operation::set: {
            if (!found) break;
            auto answer = expect_object(parse_json(body, op, status), op, status);
            auto* data = answer.get_object().if_contains("data");
            if (data == nullptr) break;
            return expect_object(*data, op, status);
        }
        case Operation::remove:
            return nullptr;  // 404: already gone, which is what was asked
    }
    throw error(PersistenceErrc::bad_response, op, "unexpected answer " + std::to_string(status),
                status);
}

boost::json::value interpret(Operation op, const net::Response& response) {
    int status = static_cast<int>(response.result_int());
    if (status == 401 || status == 403) {
        throw error(PersistenceErrc::unauthorized, op, "the token was refused", status);
    }
    if (status >= 500) {
        throw error(PersistenceErrc::server_error, op, "server error " + std::to_string(status),
                    status);
    }
    if ((status >= 200 && status < 300) || status == 404) {
        return success_value(op, status, response.body());
    }
    throw error(PersistenceErrc::bad_response, op, "unexpected status " + std::to_string(status),
                status);
}

// A trace header the runtime passed down, for log lines ("" when absent).
std::string_view trace_header(const HeaderList& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (boost::beast::iequals(key, name)) return value;
    return {};
}

}  // namespace

std::string_view to_string(PersistenceTransport::Operation op) noexcept { return describe(op); }

std::string normalize_persistence_url(std::string url) {
    auto scheme = url.find("://");
    auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (path_start == std::string::npos) path_start = url.size();
    auto strip = [&] {
        while (url.size() > path_start && url.back() == '/') url.pop_back();
    };
    auto path_contains = [&](std::string_view part) {
        return url.find(part, path_start) != std::string::npos;
    };
    // Stripping first keeps ".../persistence/" from becoming ".../persistence//v1".
    strip();
    if (!path_contains("/v1") && !path_contains("/v2")) url += "/v1";
    if (!path_contains("persistence")) url += "/persistence";
    strip();
    return url;
}

HttpPersistenceTransport::HttpPersistenceTransport(const PersistenceOptions& options,
                                                   net::HttpClient& client, CircuitBreaker& breaker)
    : timeout_(options.timeout), observer_(options.observer), client_(client), breaker_(breaker) {
    auto url = net::Url::parse(normalize_persistence_url(options.url));
    if (!url) {
        throw std::invalid_argument("unsupported persistence url '" + options.url +
                                    "' (only http:// is spoken; terminate TLS in a sidecar)");
    }
    url_ = std::move(*url);
}

net::Request HttpPersistenceTransport::make_request(const Call& call) const {
    net::Request request;
    request.version(11);
    request.keep_alive(true);
    switch (call.operation) {
        case Operation::get:
            request.method(http::verb::get);
            request.target(url_.path + "/entry/data");
            break;
        case Operation::get_all:
            request.method(http::verb::get);
            request.target(url_.path + "/entry");
            break;
        case Operation::set: {
            request.method(http::verb::post);
            request.target(url_.path + (call.replace ? "/entry" : "/entry?replace=false"));
            boost::json::object body;
            body["data"] = call.data != nullptr ? *call.data : boost::json::object();
            request.body() = boost::json::serialize(body);
            break;
        }
        case Operation::remove:
            request.method(http::verb::delete_);
            request.target(url_.path + "/entry");
            break;
    }
    request.set(http::field::accept, "application/json");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::authorization, "Bearer " + call.token);
    request.set(http::field::user_agent, "skill-sdk-cpp");
    for (const auto& [name, value] : call.trace_headers) request.set(name, value);
    return request;
}

Task<boost::json::value> HttpPersistenceTransport::call(Call call) {
    const auto started = std::chrono::steady_clock::now();
    int http_status = 0;
    try {
        auto value = co_await exchange(call, http_status);
        report(call, http_status, nullptr, started);
        co_return value;
    } catch (const PersistenceError& e) {
        report(call, e.http_status() != 0 ? e.http_status() : http_status, &e, started);
        throw;
    }
}

void HttpPersistenceTransport::report(const Call& call, int http_status,
                                      const PersistenceError* failure,
                                      std::chrono::steady_clock::time_point started) const {
    auto took = std::chrono::steady_clock::now() - started;
    if (failure != nullptr) {
        // The invocation's trace ids, so this line joins the request's other lines.
        log::warning("persistence", failure->what(),
                     {{"operation", describe(call.operation)},
                      {"error", to_string(failure->code())},
                      {"status", static_cast<std::int64_t>(http_status)},
                      {"traceId", trace_header(call.trace_headers, "X-B3-TraceId")},
                      {"spanId", trace_header(call.trace_headers, "X-B3-SpanId")}});
    }
    if (!observer_) return;
    PersistenceCallEvent event{call.operation, http_status, std::nullopt,
                               std::chrono::duration_cast<std::chrono::nanoseconds>(took)};
    if (failure != nullptr) event.error = failure->code();
    observer_(event);
}

Task<boost::json::value> HttpPersistenceTransport::exchange(const Call& call, int& http_status) {
    if (!breaker_.allow()) {
        throw error(PersistenceErrc::circuit_open, call.operation,
                    "failing fast after repeated failures (circuit breaker open)");
    }
    // Named: GCC 12 may destroy a temporary of a co_await expression twice.
    auto request = make_request(call);
    auto result = co_await client_.send(url_.host, url_.port, std::move(request), timeout_);
    if (!result.error) http_status = static_cast<int>(result.response.result_int());
    try {
        if (result.error) {
            throw error(classify(result.error), call.operation, result.error.message());
        }
        auto value = interpret(call.operation, result.response);
        breaker_.success();
        co_return value;
    } catch (const PersistenceError& e) {
        if (counts_as_failure(e.code()))
            breaker_.failure();
        else
            breaker_.success();
        throw;
    }
}

}  // namespace skill
