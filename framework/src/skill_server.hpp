#pragma once
// The skill's HTTP endpoints (protocol.md §1): invoke, info, liveness,
// readiness, prometheus; auth; one log line per invocation; request metrics.
#include <skill/net/http.hpp>
#include <skill/persistence.hpp>

#include "dispatch.hpp"
#include "metrics.hpp"
#include "settings.hpp"

#include <functional>
#include <string>
#include <vector>

namespace skill::runtime {

class Router {
public:
    /// `transports[i]` serves I/O thread i (may be empty: persistence inactive); so does
    /// `partners[i]` (empty: no partner declared). `ready()` is false while starting or draining.
    Router(const Settings& settings, const Dispatcher& dispatcher,
           std::vector<PersistenceTransport*> transports, std::function<bool()> ready,
           Metrics& metrics, std::vector<PartnerTransport*> partners = {});

    /// Serves one request and records it in http_server_requests_seconds.
    net::Awaitable<net::Response> route(net::Request& req) const;

private:
    /// Every endpoint but the invocation, which is the only one that awaits.
    net::Response endpoint(const net::Request& req, std::string_view path) const;
    net::Awaitable<net::Response> invoke(net::Request& req, std::string& intent) const;
    /// `path`: the target without its query.
    void record(const net::Request& req, std::string_view path, int status, std::string_view intent,
                std::chrono::steady_clock::time_point started) const;
    std::string_view uri_label(std::string_view path) const;
    bool authorised(const net::Request& req) const;

    const Settings& settings_;
    const Dispatcher& dispatcher_;
    std::vector<PersistenceTransport*> transports_;
    std::vector<PartnerTransport*> partners_;
    std::function<bool()> ready_;
    Metrics& metrics_;
    std::string info_path_;
    std::string info_body_;       // serialised once
    std::string expected_credentials_;  // base64(cvi:key) of Basic auth, empty when auth is off
};

/// Error body of the answers the HTTP layer writes itself ({"code":..,"text":..,"detail":..}).
std::string http_error_body(net::http::status status, std::string_view detail);

}  // namespace skill::runtime
