// HttpPersistenceTransport: one persistence call = one HTTP exchange
// (protocol.md §5). Every outcome becomes a value or a typed PersistenceError,
// and is reported to the circuit breaker.
#include <algorithm>
#include <array>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <cstring>
#include <skill/ascii.hpp>
#include <skill/log.hpp>
#include <skill/net/task_bridge.hpp>
#include <skill/persistence_http.hpp>
#include <stdexcept>

namespace skill {

namespace {

using Operation = PersistenceTransport::Operation;
using Condition = PersistenceTransport::Condition;
namespace http = net::http;

// A bearer token longer than this is no token the platform issues; the service
// would refuse the header anyway (431), after it crossed the network.
constexpr std::size_t max_token_bytes = 16 * 1024;

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
    switch (net::classify_failure(ec)) {
        case net::CallFailure::timeout:
            return PersistenceErrc::timeout;
        case net::CallFailure::tls:
            return PersistenceErrc::tls;
        case net::CallFailure::bad_response:
            return PersistenceErrc::bad_response;
        case net::CallFailure::unreachable:
            break;
    }
    return PersistenceErrc::unreachable;
}

}  // namespace

// RFC 6750 b64token: what a bearer token may contain. Everything else (CR/LF above
// all: header injection, a second request on a pooled connection) never reaches
// the wire.
namespace {

// The b64token characters, by byte: one lookup a character (a token is checked on
// every call, twice an invocation for a get and a set).
constexpr std::array<bool, 256> b64token_chars = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
        table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    return table;
}();

}  // namespace

bool is_bearer_token(std::string_view token) noexcept {
    if (token.empty() || token.size() > max_token_bytes) return false;
    std::size_t end = token.size();
    while (end > 1 && token[end - 1] == '=') --end;
    bool ok = true;
    for (std::size_t i = 0; i < end; ++i)
        ok &= b64token_chars[static_cast<unsigned char>(token[i])];
    return ok;
}

namespace {

boost::json::value parse_json(std::string_view body, Operation op, int status) {
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
boost::json::value success_value(Operation op, int status, std::string_view body) {
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
            return expect_object(std::move(*data), op, status);
        }
        case Operation::remove:
            return nullptr;  // 404: already gone, which is what was asked
    }
    throw error(PersistenceErrc::bad_response, op, "unexpected answer " + std::to_string(status),
                status);
}

boost::json::value interpret(Operation op, int status, std::string_view body, bool conditional) {
    if (status == 412 && conditional) {
        // Another writer changed the entry since it was read: the caller's race, not
        // the service's health (the breaker counts it as an answer, a success).
        throw error(PersistenceErrc::conflict, op, "the entry changed since it was read", status);
    }
    if (status == 401 || status == 403) {
        throw error(PersistenceErrc::unauthorized, op, "the token was refused", status);
    }
    if (status >= 500) {
        throw error(PersistenceErrc::server_error, op, "server error " + std::to_string(status),
                    status);
    }
    if ((status >= 200 && status < 300) || status == 404) {
        return success_value(op, status, body);
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

// ---- the request as bytes (the hot path: no Beast message, no fields) -------

// Beast cannot hold a field of 64 KiB or more (it throws); such a call takes
// the Beast path, which fails the same way it always has.
constexpr std::size_t max_field_bytes = 60'000;

constexpr std::string_view fixed_head =
    "Accept: application/json\r\nContent-Type: application/json\r\nAuthorization: Bearer";
constexpr std::string_view agent_line = "\r\nUser-Agent: skill-sdk-cpp\r\n";

// ASCII case-insensitive, as Beast compares field names.
constexpr bool same_name(std::string_view a, std::string_view b) {
    return ascii::iequals(a, b);
}

// Fields make_request() sets itself, or the client rewrites. By length first:
// a trace header name rarely has the length of any of them.
bool is_fixed_field(std::string_view name) {
    switch (name.size()) {
        case 4:
            return same_name(name, "Host");
        case 6:
            return same_name(name, "Accept");
        case 10:
            return same_name(name, "User-Agent") || same_name(name, "Connection");
        case 12:
            return same_name(name, "Content-Type");
        case 8:
            return same_name(name, "If-Match");
        case 13:
            return same_name(name, "Authorization") || same_name(name, "If-None-Match");
        case 14:
            return same_name(name, "Content-Length");
        case 17:
            return same_name(name, "Transfer-Encoding");
        default:
            return false;
    }
}

// Whether appending the trace headers one by one gives what Beast's set() gives:
// it replaces a field of the same name (case-insensitively), and Host,
// Content-Length and friends are rewritten by the client. The runtime's trace
// headers never collide; anything odd takes the Beast path.
bool trace_headers_are_plain(const HeaderList& headers) {
    for (std::size_t i = 0; i < headers.size(); ++i) {
        const auto& [name, value] = headers[i];
        if (name.empty() || name.size() > max_field_bytes || value.size() > max_field_bytes)
            return false;
        if (is_fixed_field(name)) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (same_name(name, headers[j].first)) return false;
    }
    return true;
}

// Beast trims a field value's leading and trailing spaces and tabs.
std::string_view trimmed(std::string_view value) {
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
    while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
    return value;
}

// Where HttpPersistenceTransport keeps the request line of a call.
std::size_t line_index(Operation op, bool replace) {
    return op == Operation::set && !replace ? 4 : static_cast<std::size_t>(op);
}

char* put(char* out, std::string_view text) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
}

// A conditional set's precondition field name ("" for none).
std::string_view condition_field(const PersistenceTransport::Call& call) {
    if (call.operation != Operation::set) return {};
    switch (call.condition) {
        case PersistenceTransport::Condition::if_match:
            return "If-Match";
        case PersistenceTransport::Condition::if_absent:
            return "If-None-Match";
        case PersistenceTransport::Condition::none:
            break;
    }
    return {};
}

// Its value: the version read (checked by call()), or "*" (any entry at all).
std::string_view condition_value(const PersistenceTransport::Call& call) {
    return call.condition == PersistenceTransport::Condition::if_match ? call.version
                                                                       : std::string_view("*");
}

// The head: request line, the four fields make_request() sets, the precondition, the
// trace headers. Sized first and written with memcpy: a request is ~500 bytes in ~30 pieces.
void write_head(std::string& out, std::string_view line, std::string_view token,
                std::string_view condition, std::string_view version, const HeaderList& trace,
                std::size_t body_room) {
    std::size_t size = line.size() + fixed_head.size() + agent_line.size();
    if (!token.empty()) size += 1 + token.size();
    if (!condition.empty()) size += condition.size() + 4 + version.size();
    for (const auto& [name, value] : trace) size += name.size() + 4 + trimmed(value).size();
    out.reserve(size + body_room);
    out.resize(size);
    char* p = put(out.data(), line);
    p = put(p, fixed_head);
    if (!token.empty()) {
        *p++ = ' ';
        p = put(p, token);
    }
    p = put(p, agent_line);
    if (!condition.empty()) {
        p = put(p, condition);
        p = put(p, ": ");
        p = put(p, version);
        p = put(p, "\r\n");
    }
    for (const auto& [name, value] : trace) {
        p = put(p, name);
        p = put(p, ": ");
        p = put(p, trimmed(value));
        p = put(p, "\r\n");
    }
}

// `value` as boost::json::serialize writes it, appended without a temporary string.
void append_json(std::string& out, const boost::json::value& value) {
    boost::json::serializer serializer;
    serializer.reset(&value);
    char buffer[512];
    while (!serializer.done()) out += serializer.read(buffer, sizeof(buffer));
}

}  // namespace

std::string_view to_string(PersistenceTransport::Operation op) noexcept {
    return describe(op);
}

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
                                    "' (expected http://host[:port][/path] or https://...)");
    }
    url_ = std::move(*url);
    for (auto op : {Operation::get, Operation::get_all, Operation::set, Operation::remove})
        request_lines_[line_index(op, true)] = request_line_text(op, true);
    request_lines_[line_index(Operation::set, false)] = request_line_text(Operation::set, false);
}

// The request lines (method and target) of every call, as make_request() writes them.
std::string HttpPersistenceTransport::request_line_text(Operation op, bool replace) const {
    switch (op) {
        case Operation::get:
            return "GET " + url_.path + "/entry/data HTTP/1.1\r\n";
        case Operation::get_all:
            return "GET " + url_.path + "/entry HTTP/1.1\r\n";
        case Operation::set:
            return "POST " + url_.path + (replace ? "/entry" : "/entry?replace=false") +
                   " HTTP/1.1\r\n";
        case Operation::remove:
            return "DELETE " + url_.path + "/entry HTTP/1.1\r\n";
    }
    return {};
}

bool HttpPersistenceTransport::serialize_request(const Call& call, std::string& wire,
                                                 net::RawRequest& raw) const {
    if (!trace_headers_are_plain(call.trace_headers)) return false;
    const std::string_view token = call.token;  // a bearer token: checked by call()
    const bool is_set = call.operation == Operation::set;
    const auto condition = condition_field(call);
    write_head(wire, request_lines_[line_index(call.operation, call.replace)], token, condition,
               condition.empty() ? std::string_view() : condition_value(call), call.trace_headers,
               is_set ? 256 : 0);
    const std::size_t head_size = wire.size();
    if (is_set) {
        // Both branches lvalues: with a temporary object() the ternary would copy *call.data.
        static const boost::json::value no_data = boost::json::object();
        wire += R"({"data":)";
        append_json(wire, call.data != nullptr ? json_of(*call.data) : no_data);
        wire += '}';
    }
    raw.method =
        is_set ? http::verb::post
               : (call.operation == Operation::remove ? http::verb::delete_ : http::verb::get);
    // A set sent twice stores the same data again; a merge twice adds nothing more.
    raw.resend_safe = true;
    raw.head = std::string_view(wire).substr(0, head_size);
    raw.body = std::string_view(wire).substr(head_size);
    return true;
}

net::Request HttpPersistenceTransport::make_request(const Call& call) const {
    http::verb method = http::verb::get;
    std::string target;
    std::string body;
    switch (call.operation) {
        case Operation::get:
            target = url_.path + "/entry/data";
            break;
        case Operation::get_all:
            target = url_.path + "/entry";
            break;
        case Operation::set: {
            method = http::verb::post;
            target = url_.path + (call.replace ? "/entry" : "/entry?replace=false");
            boost::json::object data;
            data["data"] = call.data != nullptr ? object_of(*call.data) : boost::json::object();
            body = boost::json::serialize(data);
            break;
        }
        case Operation::remove:
            method = http::verb::delete_;
            target = url_.path + "/entry";
            break;
    }
    auto request = net::json_request(method, std::move(target));
    request.body() = std::move(body);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::authorization, "Bearer " + call.token);
    request.set(http::field::user_agent, "skill-sdk-cpp");
    for (const auto& [name, value] : call.trace_headers) request.set(name, value);
    // After the trace headers: a precondition is never replaced by one of them.
    if (const auto condition = condition_field(call); !condition.empty())
        request.set(condition, condition_value(call));
    return request;
}

Task<Document> HttpPersistenceTransport::call(Call call) {
    const auto started = std::chrono::steady_clock::now();
    int http_status = 0;
    try {
        // Before the breaker: a caller's bad token is its own error, not a call.
        if (!is_bearer_token(call.token)) {
            throw error(PersistenceErrc::invalid_token, call.operation,
                        "the invocation's cvi token is not a bearer token (RFC 6750)");
        }
        // The version crosses into a header: only a strong entity tag goes out.
        if (call.operation == Operation::set && call.condition == Condition::if_match &&
            !is_entity_tag(call.version)) {
            throw std::invalid_argument(
                "persistence set: If-Match needs a strong entity tag (is_entity_tag)");
        }
        if (!breaker_.allow()) {
            throw error(PersistenceErrc::circuit_open, call.operation,
                        "failing fast after repeated failures (circuit breaker open)");
        }
        // The invocation's deadline bounds the call: failing before it leaves the
        // handler time to answer (or the runtime to apologise) instead of a 504.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            call.deadline - std::chrono::steady_clock::now());
        const auto timeout = std::clamp(left, std::chrono::milliseconds(1), timeout_);
        // One coroutine frame for the whole call on the hot path: each costs.
        std::string wire;
        net::RawRequest raw;
        net::RawResult answer;
        if (serialize_request(call, wire, raw)) {
            auto exchange = net::on_asio(client_.executor(), client_.send_raw(url_, raw, timeout));
            answer = co_await exchange;
        } else {
            auto exchange = net::on_asio(client_.executor(), send_with_beast(call, timeout));
            answer = co_await exchange;
        }
        if (!answer.error) http_status = static_cast<int>(answer.status);
        // Before settle(): a conflict's answer carries the entry's current version too.
        if (call.etag != nullptr) {
            if (is_entity_tag(answer.etag))
                *call.etag = std::move(answer.etag);
            else
                call.etag->clear();
        }
        auto value = settle(call, answer.error, http_status, answer.body);
        report(call, http_status, nullptr, started);
        co_return to_document(std::move(value));
    } catch (const PersistenceError& e) {
        report(call, e.http_status() != 0 ? e.http_status() : http_status, &e, started);
        throw;
    }
}

net::Awaitable<net::RawResult> HttpPersistenceTransport::send_with_beast(
    const Call& call, std::chrono::milliseconds timeout) {
    // Named: GCC 12 may destroy a temporary of a co_await expression twice.
    auto request = make_request(call);
    auto result = co_await client_.send(url_, std::move(request), timeout);
    std::string etag;
    if (auto field = result.response.find(http::field::etag);
        field != result.response.end() && field->value().size() <= net::RawResult::max_etag_bytes)
        etag = std::string(field->value());
    co_return net::RawResult{result.error, result.response.result_int(),
                             std::move(result.response.body()), std::move(etag)};
}

boost::json::value HttpPersistenceTransport::settle(const Call& call,
                                                    const boost::system::error_code& failed,
                                                    int http_status, std::string_view body) {
    const Operation op = call.operation;
    breaker_.record(failed, http_status);
    if (failed) {
        std::string what = failed.message();
        // Whom we refused to trust, and why (the log line names both).
        if (net::is_tls_error(failed))
            what = "TLS with " + url_.host + ":" + url_.port + ": " + what;
        throw error(classify(failed), op, what);
    }
    return interpret(op, http_status, body,
                     op == Operation::set && call.condition != Condition::none);
}

void HttpPersistenceTransport::report(const Call& call, int http_status,
                                      const PersistenceError* failure,
                                      std::chrono::steady_clock::time_point started) const {
    auto took = std::chrono::steady_clock::now() - started;
    // A conflict is a race another writer won, expected under contention (update()
    // retries it): not worth a warning per lost round.
    if (failure != nullptr && failure->code() != PersistenceErrc::conflict) {
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

}  // namespace skill
