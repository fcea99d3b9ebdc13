#pragma once
// Partner APIs (weather, sports, a partner's backend) as a handler sees them:
// declared in skill.conf (`[partner.weather] url = https://api.weather.example/v2`),
// called as JSON over http or https through the Context (docs/handlers.md, "Partner APIs").
//
//   auto answer = co_await ctx.partner("weather").get("/current?city=" + skill::percent_encode(city));
//   if (answer.status == 404) co_return skill::tell("I don't know that city.");
//   double celsius = answer.body["temp"].value_or(0.0);
//
//   skill::Document order{{"item", "pizza"}};   // named: GCC 12 and co_await temporaries
//   auto placed = co_await ctx.partner("shop").post("/orders", order);
//
// 2xx, 3xx and 4xx answers are returned (the handler reads `status`); everything else (5xx,
// no answer in time, unreachable, TLS refused, circuit open, ...) throws a PartnerError, which,
// uncaught, gets the runtime's apology like a PersistenceError.
#include <skill/document.hpp>
#include <skill/function.hpp>
#include <skill/persistence.hpp>  // HeaderList (trace headers)
#include <skill/task.hpp>

#include <skill/clock.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skill {

enum class PartnerErrc {
    unknown_partner,  // no [partner.NAME] in skill.conf: a bug (uncaught: 500 code 999)
    invalid_request,  // a path or header that may not go on the wire: never sent (uncaught: 500)
    timeout,          // no complete answer within the partner's timeout or the invocation's deadline
    unreachable,      // connection refused / reset / host unknown / closed without an answer
    tls,              // https: the handshake failed or the partner's certificate was refused
    server_error,     // the partner answered 5xx (http_status() says which)
    bad_response,     // a cut-off or over-limit answer, or a 2xx body that is not JSON
    circuit_open,     // failing fast: too many consecutive failures of this partner
};

std::string_view to_string(PartnerErrc) noexcept;

class PartnerError : public std::runtime_error {
public:
    PartnerError(PartnerErrc code, std::string partner, std::string message, int http_status = 0);
    PartnerErrc code() const noexcept { return code_; }
    const std::string& partner() const noexcept { return partner_; }
    int http_status() const noexcept { return http_status_; }  // 0 when no HTTP answer

private:
    PartnerErrc code_;
    std::string partner_;
    int http_status_;
};

/// A partner's answer (2xx, 3xx or 4xx).
struct PartnerResponse {
    int status = 0;
    Document body;     // the JSON answer; empty when there is none or (not 2xx) it is not JSON
    std::string text;  // the raw body
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

enum class PartnerMethod { get, post, put, remove };
/// "GET", "POST", "PUT", "DELETE".
std::string_view to_string(PartnerMethod) noexcept;

/// Extra request headers, e.g. {{"X-Api-Key", key}}. Names must be RFC 9110 tokens and
/// values free of control bytes; Host, Content-Length, Connection and friends are the
/// client's. A bad one is PartnerError(invalid_request), and nothing is sent.
using PartnerHeaders = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986 percent-encoding of everything but unreserved characters: for a value
/// in a path segment or a query ("/current?city=" + percent_encode("São Paulo")).
std::string percent_encode(std::string_view text);

/// The wire behind ctx.partner(): HTTP in production, a fake in tests.
class PartnerTransport {
public:
    struct Call {
        std::string_view partner;
        PartnerMethod method;
        std::string_view target;                // "/path?query", relative to the partner's URL; checked
        const std::string* body;                // JSON text (post/put), or null
        const PartnerHeaders& headers;          // the handler's extra headers; checked
        const HeaderList& trace_headers;        // passed on verbatim
        std::chrono::steady_clock::time_point deadline;  // the invocation's: no call outlives it
    };
    virtual ~PartnerTransport() = default;
    /// Whether `partner` is declared.
    virtual bool has(std::string_view partner) const noexcept = 0;
    /// A 2xx..4xx answer; throws PartnerError for anything else.
    virtual Task<PartnerResponse> call(Call call) = 0;
};

class PartnerSession;

/// One declared partner, from ctx.partner("name"). Cheap to copy; valid during the invocation.
class Partner {
public:
    const std::string& name() const noexcept { return name_; }

    /// `path` starts with '/' and is appended to the partner's URL; a query is allowed.
    Task<PartnerResponse> get(std::string path, PartnerHeaders headers = {}) const;
    /// `body` is sent as JSON text (a missing Document as null).
    Task<PartnerResponse> post(std::string path, Document body, PartnerHeaders headers = {}) const;
    Task<PartnerResponse> put(std::string path, Document body, PartnerHeaders headers = {}) const;
    /// DELETE.
    Task<PartnerResponse> remove(std::string path, PartnerHeaders headers = {}) const;

private:
    friend class PartnerSession;
    Partner(PartnerSession& session, std::string name) : session_(&session), name_(std::move(name)) {}
    PartnerSession* session_;
    std::string name_;
};

/// The partners of one invocation (built by the runtime, like PersistenceSession).
class PartnerSession {
public:
    /// `transport` null: no partner declared. `trace_headers` is called at the first call.
    PartnerSession(PartnerTransport* transport, Function<HeaderList()> trace_headers);

    /// Throws PartnerError(unknown_partner) when `name` is not declared.
    Partner partner(std::string_view name);
    void set_deadline(std::chrono::steady_clock::time_point deadline) noexcept { deadline_ = deadline; }
    /// Calls handed to the transport (tests, logs).
    int calls() const noexcept { return calls_; }

    /// Checks path and headers (PartnerError(invalid_request)), then calls the transport.
    Task<PartnerResponse> call(std::string partner, PartnerMethod method, std::string path,
                               std::string body, bool has_body, PartnerHeaders headers);

private:
    PartnerTransport* transport_;
    Function<HeaderList()> make_trace_headers_;  // empty once called
    HeaderList trace_headers_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    int calls_ = 0;
};

/// The checks PartnerSession::call applies before anything reaches a transport. Throw
/// PartnerError(invalid_request) naming what is wrong, never the value itself.
void check_partner_target(std::string_view partner, std::string_view path);
void check_partner_headers(std::string_view partner, const PartnerHeaders& headers);

}  // namespace skill
