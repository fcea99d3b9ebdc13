#pragma once
// The partner client's HTTP side: the declared partners (one circuit breaker each,
// shared by every I/O thread) and the per-thread transport over a net::HttpClient.
// Internal: wired by the composition root, not part of the skill umbrella header.
#include <skill/net/http_client.hpp>
#include <skill/partner.hpp>
#include <skill/persistence_http.hpp>  // CircuitBreaker

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skill {

/// One [partner.NAME] section of skill.conf.
struct PartnerOptions {
    std::string name;  // metric label and log field: [a-z0-9_-]
    std::string url;   // http(s)://host[:port][/base/path]
    // Below the invocation deadline ([skill] timeout, 5 s), like persistence's.
    std::chrono::milliseconds timeout{2'000};
    unsigned breaker_threshold = 5;
    std::chrono::milliseconds breaker_timeout{30'000};
};

/// What one partner call did: reported after every call that reached the transport.
struct PartnerCallEvent {
    std::string_view partner;
    PartnerMethod method;
    int http_status = 0;                // 0: no HTTP answer (or the call never went out)
    std::optional<PartnerErrc> error;   // none: an answer was returned to the handler
    std::chrono::nanoseconds duration{};
};
/// Runs on the calling I/O thread; must not block (the runtime counts metrics in it).
using PartnerObserver = std::function<void(const PartnerCallEvent&)>;

/// The declared partners of a process: URL, timeout and breaker each. Built once at
/// start-up, read-only afterwards (the breakers are lock-free); shared by all threads.
class PartnerDirectory {
public:
    struct Entry {
        std::string name;
        net::Url url;
        std::chrono::milliseconds timeout;
        std::unique_ptr<CircuitBreaker> breaker;
    };
    /// Throws std::invalid_argument on a URL it cannot use (names the partner).
    explicit PartnerDirectory(const std::vector<PartnerOptions>& partners);

    const Entry* find(std::string_view name) const noexcept;
    const std::vector<Entry>& entries() const noexcept { return entries_; }

private:
    std::vector<Entry> entries_;
};

/// A partner's base URL as the client will use it, or nullopt: http(s) only, no query,
/// fragment or credentials (net::Url::parse's rules).
std::optional<net::Url> parse_partner_url(std::string_view url);

/// PartnerTransport over HTTP/1.1: one per I/O thread (like its HttpClient, whose
/// keep-alive pools are per origin); the directory and its breakers are shared.
class HttpPartnerTransport final : public PartnerTransport {
public:
    HttpPartnerTransport(const PartnerDirectory& partners, net::HttpClient& client,
                         PartnerObserver observer = {});

    bool has(std::string_view partner) const noexcept override;
    Task<PartnerResponse> call(Call call) override;

private:
    const PartnerDirectory& partners_;
    net::HttpClient& client_;
    PartnerObserver observer_;
};

}  // namespace skill
