#pragma once
// The skill's HTTP endpoints (protocol.md §1): invoke, info, liveness,
// readiness, prometheus; auth; one log line per invocation; request metrics.
#include <skill/net/http.hpp>
#include <skill/persistence.hpp>

#include "dispatch.hpp"
#include "metrics.hpp"
#include "settings.hpp"
#include "thread_services.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace skill::runtime {

class Router {
public:
    /// `ready()` is false while starting or draining.
    Router(const Settings& settings, const Dispatcher& dispatcher, std::function<bool()> ready,
           Metrics& metrics);

    /// Serves one request with the services of the calling I/O thread and records it in
    /// http_server_requests_seconds.
    net::Awaitable<net::Response> route(net::Request& req, ThreadServices services) const;

private:
    /// Every endpoint but the invocation, which is the only one that awaits.
    net::Response endpoint(const net::Request& req, std::string_view path) const;
    struct Invoked {
        net::Response response;
        std::string intent;  // as parsed; empty when the body did not parse
        std::chrono::steady_clock::time_point ended{};  // when the answer was ready
    };
    /// A Task like the dispatcher's (no Asio frame of its own): route() runs it under the
    /// invocation's deadline.
    Task<Invoked> invoke(net::Request& req, const ThreadServices& services,
                         std::chrono::steady_clock::time_point started) const;
    /// `path`: the target without its query.
    void record(unsigned shard, const net::Request& req, std::string_view path, int status,
                std::string_view intent, std::chrono::steady_clock::time_point started,
                std::chrono::steady_clock::time_point ended) const;
    std::string_view uri_label(std::string_view path) const;
    bool authorised(const net::Request& req) const;

    const Settings& settings_;
    const Dispatcher& dispatcher_;
    std::function<bool()> ready_;
    Metrics& metrics_;
    std::string info_path_;
    std::string info_body_;       // serialised once
    std::string expected_credentials_;  // base64(cvi:key) of Basic auth, empty when auth is off
};

/// Error body of the answers the HTTP layer writes itself ({"code":..,"text":..,"detail":..}).
std::string http_error_body(net::http::status status, std::string_view detail);

}  // namespace skill::runtime
