#pragma once
// The composition root: wires settings, registry, persistence clients and the
// HTTP server once at start-up. Nothing else constructs these pieces.
#include <skill/intent.hpp>
#include <skill/net/http_server.hpp>
#include <skill/partner_http.hpp>
#include <skill/persistence_http.hpp>

#include "dispatch.hpp"
#include "metrics.hpp"
#include "settings.hpp"
#include "skill_server.hpp"

#include <memory>
#include <vector>

namespace skill::runtime {

class App {
public:
    /// Throws ConfigError when the registry has duplicate intents.
    App(Settings settings, const IntentRegistry& registry);
    ~App();

    std::uint16_t start();  // returns the bound port
    void drain_on_signal();  // before start()
    void drain();
    void wait();
    const Settings& settings() const noexcept { return settings_; }
    net::HttpServer& server() noexcept { return *server_; }
    const Metrics& metrics() const noexcept { return *metrics_; }

private:
    Settings settings_;
    Dispatcher dispatcher_;
    std::unique_ptr<Metrics> metrics_;  // outlives everything that records into it
    std::unique_ptr<CircuitBreaker> breaker_;
    std::vector<std::unique_ptr<net::HttpClient>> clients_;
    std::vector<std::unique_ptr<HttpPersistenceTransport>> transports_;
    std::unique_ptr<PartnerDirectory> partners_;  // [partner.NAME]: breakers shared by threads
    std::vector<std::unique_ptr<HttpPartnerTransport>> partner_transports_;  // one per thread
    std::unique_ptr<Router> router_;
    std::unique_ptr<net::HttpServer> server_;
};

net::ServerOptions server_options(const Settings& settings);

}  // namespace skill::runtime
