#pragma once
// The Engine's parts, in the order they are built (and the reverse of the order they
// are destroyed): each is complete when the next one needs it.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <skill/engine.hpp>
#include <skill/net/http_server.hpp>
#include <vector>

#include "dispatch.hpp"
#include "i18n.hpp"
#include "metrics.hpp"
#include "settings.hpp"
#include "skill_server.hpp"
#include "thread_services.hpp"

namespace skill {

struct Engine::Impl {
    /// Throws ConfigError when the registry has duplicate intents.
    Impl(runtime::Settings settings, const IntentRegistry& registry);
    ~Impl();

    /// The services of thread i: built once per server I/O thread, and once for invoke().
    runtime::ThreadClients make_clients(boost::asio::io_context& io, unsigned shard);
    runtime::ThreadServices view(const runtime::ThreadClients& clients, unsigned shard) const;

    Answer invoke(std::string_view body);
    /// Readiness: not draining, and every SKILL_READY hook says true.
    bool ready() const;

    runtime::Settings settings;
    Translations translations;  // the catalogs; sets settings.skill.locales to those served
    runtime::Dispatcher dispatcher;
    std::unique_ptr<CircuitBreaker> breaker;              // persistence's, shared by threads
    std::unique_ptr<PartnerDirectory> partner_directory;  // [partner.NAME]: breakers shared
    std::shared_ptr<net::TlsClientContext> tls;           // one trust store for the process
    net::HttpServer server;                               // its io_contexts host the clients
    runtime::Metrics metrics;                             // a shard per I/O thread + invoke()'s
    runtime::Router router;
    std::vector<runtime::ThreadClients> clients;  // [i]: server I/O thread i

    // invoke(): an io_context of its own on the calling thread, and its own clients.
    boost::asio::io_context local_io{1};
    runtime::ThreadClients local_clients;
    bool local_built = false;
    PersistenceTransport* persistence_override = nullptr;
    PartnerTransport* partners_override = nullptr;
    bool persistence_disabled = false;
};

namespace runtime {

/// An Engine from already validated Settings (the runtime's own tests).
Engine make_engine(Settings settings, const IntentRegistry& registry);

net::ServerOptions server_options(const Settings& settings);

}  // namespace runtime

}  // namespace skill
