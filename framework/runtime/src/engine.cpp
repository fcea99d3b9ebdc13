// The one composition root: settings + registry in, a running skill out.
#include <boost/asio/co_spawn.hpp>
#include <chrono>
#include <charconv>
#include <optional>
#include <skill/log.hpp>
#include <skill/net/task_bridge.hpp>
#include <thread>

#include "engine_impl.hpp"

namespace skill {

using runtime::ThreadClients;
using runtime::ThreadServices;

namespace {

/// A call's `status` label: its failure kind, else its HTTP status as digits.
template <class Errc>
std::string_view status_label(const std::optional<Errc>& error, int http_status,
                              char (&digits)[12]) {
    if (error) return to_string(*error);
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, http_status);
    return std::string_view(digits, static_cast<std::size_t>(end - digits));
}

/// Persistence calls -> http_partner_request_count / http_requests_latency_seconds.
PersistenceObserver persistence_observer(runtime::Metrics& metrics, unsigned shard) {
    return [&metrics, shard](const PersistenceCallEvent& event) {
        char digits[12];
        runtime::PartnerLabels labels{"persistence", to_string(event.operation),
                                      status_label(event.error, event.http_status, digits)};
        metrics.partner_call(shard, labels, event.duration);
    };
}

/// Partner calls -> the same series, labelled with the partner's name.
PartnerObserver partner_observer(runtime::Metrics& metrics, unsigned shard) {
    return [&metrics, shard](const PartnerCallEvent& event) {
        char digits[12];
        const std::string_view status = status_label(event.error, event.http_status, digits);
        std::string_view operation = event.method == PartnerMethod::remove ? "delete"
                                     : event.method == PartnerMethod::post ? "post"
                                     : event.method == PartnerMethod::put  ? "put"
                                                                           : "get";
        runtime::PartnerLabels labels{event.partner, operation, status};
        metrics.partner_call(shard, labels, event.duration);
    };
}

/// Whether an outbound call may use https, or a [tls] ca_file is given.
bool speaks_tls(const runtime::Settings& s) {
    auto https = [](const std::string& text) {
        const auto url = net::Url::parse(text);
        return url && url->tls;
    };
    if (!s.tls.ca_file.empty()) return true;
    if (s.persistence.active && https(s.persistence.url)) return true;
    for (const auto& p : s.partners)
        if (https(p.url)) return true;
    return false;
}

const runtime::Settings& checked(const runtime::Settings& settings,
                                 const IntentRegistry& registry) {
    if (!registry.duplicates().empty()) {
        std::string all;
        for (auto& d : registry.duplicates()) all += d + "\n";
        throw ConfigError(all);
    }
    if (settings.persistence.active && settings.persistence.timeout >= settings.skill.timeout)
        log::warning("engine",
                     "[service-persistence] timeout is not below [skill] timeout: "
                     "persistence calls end before the invocation deadline instead");
    for (const auto& p : settings.partners)
        if (p.timeout >= settings.skill.timeout)
            log::warning("engine",
                         "a partner's timeout is not below [skill] timeout: its calls "
                         "end before the invocation deadline instead",
                         {{"partner", p.name}});
    return settings;
}

std::unique_ptr<PartnerDirectory> directory_of(const runtime::Settings& s) {
    if (s.partners.empty()) return nullptr;
    std::vector<PartnerOptions> partners;
    for (const auto& p : s.partners)
        partners.push_back({p.name, p.url, p.timeout, p.breaker_threshold, p.breaker_timeout});
    return std::make_unique<PartnerDirectory>(partners);
}

}  // namespace

namespace runtime {

net::ServerOptions server_options(const Settings& s) {
    net::ServerOptions o;
    o.host = s.http.host;
    o.port = s.http.port;
    o.threads = s.http.threads;
    o.name = "http";
    o.error_body = http_error_body;
    o.limits.max_header_bytes = s.http.max_header_size;
    o.limits.max_body_bytes = s.skill.max_request_size;
    o.limits.max_connections = s.http.max_connections;
    o.limits.max_requests_per_connection = s.http.max_requests_per_connection;
    o.limits.read_timeout = s.http.read_timeout;
    o.limits.idle_timeout = s.http.idle_timeout;
    o.limits.write_timeout = s.http.write_timeout;
    o.limits.drain_timeout = s.http.drain_timeout;
    return o;
}

Engine make_engine(Settings settings, const IntentRegistry& registry) {
    return Engine(std::make_unique<Engine::Impl>(std::move(settings), registry));
}

}  // namespace runtime

Engine::Impl::Impl(runtime::Settings s, const IntentRegistry& registry)
    : settings(checked(s, registry)),
      translations(runtime::load_translations(settings)),
      dispatcher(registry, settings, &translations),
      breaker(settings.persistence.active
                  ? std::make_unique<CircuitBreaker>(settings.circuit_breakers.threshold,
                                                     settings.circuit_breakers.timeout)
                  : nullptr),
      partner_directory(directory_of(settings)),
      // Loaded only when something will speak TLS (or a ca_file must be checked: a bad
      // one stops start-up here): the system trust store costs ~6 MB of RSS that an
      // http-only skill never uses.
      tls(speaks_tls(settings) ? std::make_shared<net::TlsClientContext>(
                                     net::TlsClientOptions{.ca_file = settings.tls.ca_file})
                               : nullptr),
      server(runtime::server_options(settings)),
      // One shard per I/O thread, and the last one for invoke() on a caller's thread.
      metrics(server.threads() + 1,
              runtime::Metrics::Gauges{[this] { return server.open_connections(); },
                                       [this] { return std::size_t{breaker && breaker->open()}; }}),
      // A skill's SKILL_READY hooks (a cache still warming) keep readiness at 503 as well.
      router(
          settings, dispatcher, [this] { return ready(); }, metrics) {
    for (unsigned i = 0; i < server.threads(); ++i)
        clients.push_back(make_clients(server.context(i), i));
}

Engine::Impl::~Impl() {
    // The I/O threads use the clients and the router: they end first. The clients'
    // pooled sockets belong to the server's io_contexts, which member order keeps alive
    // until the clients are gone.
    server.drain();
    server.wait();
}

ThreadClients Engine::Impl::make_clients(boost::asio::io_context& io, unsigned shard) {
    ThreadClients c;
    if (!settings.persistence.active && !partner_directory) return c;
    // One client per thread, shared by persistence and partners (its keep-alive pools and
    // TLS sessions are per origin): connections never cross threads.
    net::ClientOptions client_options;
    client_options.tls = tls;
    c.client = std::make_unique<net::HttpClient>(io.get_executor(), client_options);
    if (settings.persistence.active) {
        PersistenceOptions options{normalize_persistence_url(settings.persistence.url),
                                   settings.persistence.timeout, true,
                                   persistence_observer(metrics, shard)};
        c.persistence = std::make_unique<HttpPersistenceTransport>(options, *c.client, *breaker);
    }
    if (partner_directory)
        c.partners = std::make_unique<HttpPartnerTransport>(*partner_directory, *c.client,
                                                            partner_observer(metrics, shard));
    return c;
}

ThreadServices Engine::Impl::view(const ThreadClients& c, unsigned shard) const {
    return {shard, c.persistence.get(), c.partners.get()};
}

Answer Engine::Impl::invoke(std::string_view body) {
    const unsigned shard = server.threads();
    if (!local_built) {
        local_clients = make_clients(local_io, shard);
        local_built = true;
    }
    ThreadServices services = view(local_clients, shard);
    if (persistence_override) services.persistence = persistence_override;
    if (persistence_disabled) services.persistence = nullptr;
    if (partners_override) services.partners = partners_override;

#pragma GCC diagnostic push  // the fields the HTTP path adds (log options) stay value-initialised
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    runtime::InvocationInput input{body, services.persistence, {}, "in-process"};
#pragma GCC diagnostic pop
    input.partners = services.partners;

    std::optional<runtime::Outcome> outcome;
    std::exception_ptr failed;
    const auto deadline = dispatcher.deadline_from(std::chrono::steady_clock::now());
    auto task = dispatcher.invoke(std::move(input));
    boost::asio::co_spawn(local_io, net::await_task(std::move(task), net::steady_ns(deadline)),
                          [&](std::exception_ptr e, runtime::Outcome o) {
                              failed = e;
                              outcome = std::move(o);
                          });
    // Until this invocation is answered, not until the io_context runs dry: pooled
    // connections and their timers stay for the next call.
    local_io.restart();
    while (!outcome && local_io.run_one()) {
    }
    if (failed) std::rethrow_exception(failed);
    if (!outcome) throw std::logic_error("engine: an in-process invocation was not answered");
    if (outcome->persistence_failed || outcome->partner_failed) metrics.unavailable_answer(shard);
    return Answer{outcome->status, std::move(outcome->body), std::move(outcome->intent),
                  outcome->persistence_failed, outcome->partner_failed};
}

Engine::Engine(const Config& config, const IntentRegistry& registry)
    : impl_(std::make_unique<Impl>(runtime::load_settings(config), registry)) {}
Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

std::uint16_t Engine::start() {
    auto& im = *impl_;
    return im.server.start([&im](unsigned thread) -> net::RequestHandler {
        const ThreadServices services = im.view(im.clients[thread], thread);
        return [&router = im.router, services](net::Request& req) {
            return router.route(req, services);
        };
    });
}
void Engine::drain_on_signal() {
    impl_->server.drain_on_signal();
}
void Engine::drain() {
    impl_->server.drain();
}
void Engine::wait() {
    impl_->server.wait();
}
Answer Engine::invoke(std::string_view body) {
    return impl_->invoke(body);
}
void Engine::use_persistence(PersistenceTransport* transport) {
    impl_->persistence_override = transport;
    impl_->persistence_disabled = false;
}
void Engine::use_partners(PartnerTransport* transport) {
    impl_->partners_override = transport;
}
void Engine::disable_persistence() {
    impl_->persistence_disabled = true;
}

void Engine::fix_clock(std::optional<std::chrono::system_clock::time_point> now) {
    impl_->dispatcher.environment().fixed_now = now;
}

bool Engine::Impl::ready() const {
    return !server.draining() && dispatcher.registry().hooks().all_ready();
}

bool Engine::ready() const {
    return impl_->ready();
}
std::string Engine::metrics() const {
    return impl_->metrics.render();
}

}  // namespace skill
