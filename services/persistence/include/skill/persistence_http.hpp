#pragma once
// The persistence client's HTTP side (protocol.md §5): the wire transport and
// the circuit breaker it shares across I/O threads. Internal: wired by the
// composition root, not part of the skill umbrella header.
#include <array>
#include <atomic>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <skill/json.hpp>
#include <skill/net/http_client.hpp>
#include <skill/persistence.hpp>
#include <string>
#include <string_view>

namespace skill {

/// Fails fast after `threshold` consecutive failures; after `open_for` lets
/// exactly one trial call through (success closes, failure re-opens).
/// Lock-free: one instance is shared by every I/O thread.
class CircuitBreaker {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    CircuitBreaker(unsigned threshold, std::chrono::milliseconds open_for,
                   Clock clock = &std::chrono::steady_clock::now);

    /// May a call go out now? While open, false until `open_for` has passed;
    /// then true for exactly one caller (the trial), false for the others.
    bool allow();
    void success();
    void failure();
    bool open() const;

    /// Tells the breaker what one call's outcome says about the service's health,
    /// never about one caller (docs/operations.md, "Circuit breaker"): no connection,
    /// no answer in time, TLS refused, a cut-off answer, 502/503/504 are failures; any
    /// other answer (2xx-4xx) is a success; 500 and other 5xx, or an answer over the
    /// body limit, count for nothing (one request's content can cause them).
    void record(const boost::system::error_code& failed, int http_status);

  private:
    std::int64_t now_ticks() const;

    // Sentinel of opened_at_: the breaker is closed.
    static constexpr std::int64_t closed_ = std::numeric_limits<std::int64_t>::min();

    unsigned threshold_;
    std::int64_t open_ticks_;
    Clock clock_;
    std::atomic<unsigned> failures_{0};
    std::atomic<std::int64_t> opened_at_{closed_};  // steady_clock ticks, or closed_
};

/// What one persistence call did: reported after every call, failed ones included.
struct PersistenceCallEvent {
    PersistenceTransport::Operation operation;
    int http_status = 0;                   // 0: no HTTP answer (or the call never went out)
    std::optional<PersistenceErrc> error;  // none: the call succeeded
    std::chrono::nanoseconds duration{};
};
/// Runs on the calling I/O thread; must not block (the runtime counts metrics in it).
using PersistenceObserver = std::function<void(const PersistenceCallEvent&)>;

struct PersistenceOptions {
    std::string url = "http://service-persistence-service:1555";  // or https://
    // Below the invocation deadline ([skill] timeout, 5 s): a hung service must
    // leave the handler time to answer.
    std::chrono::milliseconds timeout{2'000};
    bool active = true;
    PersistenceObserver observer;  // optional
};

/// Whether `token` may go into `Authorization: Bearer <token>`: an RFC 6750
/// b64token (ALPHA / DIGIT / "-._~+/", then "=" padding) of at most 16 KiB.
/// Anything else (CR/LF above all) never reaches the wire: PersistenceErrc::invalid_token.
bool is_bearer_token(std::string_view token) noexcept;

/// "get", "get_all", "set", "remove" (log fields, metric labels).
std::string_view to_string(PersistenceTransport::Operation op) noexcept;

/// protocol.md §5, applied to the path in order: append "/v1" when it contains
/// neither "/v1" nor "/v2"; append "/persistence" when it does not contain
/// "persistence"; strip trailing '/'.
std::string normalize_persistence_url(std::string url);

/// PersistenceTransport over HTTP/1.1. One per I/O thread (like its HttpClient);
/// the breaker is shared.
class HttpPersistenceTransport final : public PersistenceTransport {
  public:
    /// Throws std::invalid_argument on a URL net::Url::parse rejects.
    HttpPersistenceTransport(const PersistenceOptions& options, net::HttpClient& client,
                             CircuitBreaker& breaker);

    Task<Document> call(Call call) override;

  private:
    /// The answer (or the failure) of one exchange → the call's value or its
    /// PersistenceError; tells the breaker.
    boost::json::value settle(const Call& call, const boost::system::error_code& failed,
                              int http_status, std::string_view body);
    /// The request as bytes for HttpClient::send_raw (head, then body, in `wire`):
    /// what make_request() and HttpClient::send() put on the wire, without a Beast
    /// message. False when only Beast's field rules give those bytes (odd trace headers).
    bool serialize_request(const Call& call, std::string& wire, net::RawRequest& raw) const;
    std::string request_line_text(Operation op, bool replace) const;
    /// The Beast path: make_request() sent with HttpClient::send (odd trace headers).
    net::Awaitable<net::RawResult> send_with_beast(const Call& call,
                                                   std::chrono::milliseconds timeout);
    net::Request make_request(const Call& call) const;
    void report(const Call& call, int http_status, const PersistenceError* failure,
                std::chrono::steady_clock::time_point started) const;

    net::Url url_;
    std::array<std::string, 5> request_lines_;  // "GET /v1/.../entry/data HTTP/1.1\r\n", ...
    std::chrono::milliseconds timeout_;
    PersistenceObserver observer_;
    net::HttpClient& client_;
    CircuitBreaker& breaker_;
};

}  // namespace skill
