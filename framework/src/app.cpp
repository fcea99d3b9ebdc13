#include "app.hpp"

#include <skill/log.hpp>
#include <skill/run.hpp>

#include <boost/asio/io_context.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

namespace skill::runtime {

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

namespace {

/// A call's `status` label: its failure kind, else its HTTP status as digits.
template <class Errc>
std::string_view status_label(const std::optional<Errc>& error, int http_status, char (&digits)[12]) {
    if (error) return to_string(*error);
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, http_status);
    return std::string_view(digits, static_cast<std::size_t>(end - digits));
}

/// Persistence calls -> http_partner_request_count / http_requests_latency_seconds.
PersistenceObserver persistence_observer(Metrics& metrics) {
    return [&metrics](const PersistenceCallEvent& event) {
        char digits[12];
        PartnerLabels labels{"persistence", to_string(event.operation),
                             status_label(event.error, event.http_status, digits)};
        metrics.partner_call(net::HttpServer::current_thread(), labels, event.duration);
    };
}

/// Partner calls -> the same series, labelled with the partner's name.
PartnerObserver partner_observer(Metrics& metrics) {
    return [&metrics](const PartnerCallEvent& event) {
        char digits[12];
        const std::string_view status = status_label(event.error, event.http_status, digits);
        std::string_view operation = event.method == PartnerMethod::remove ? "delete"
                                     : event.method == PartnerMethod::post ? "post"
                                     : event.method == PartnerMethod::put  ? "put"
                                                                           : "get";
        PartnerLabels labels{event.partner, operation, status};
        metrics.partner_call(net::HttpServer::current_thread(), labels, event.duration);
    };
}

/// Whether an outbound call may use https, or a [tls] ca_file is given.
bool speaks_tls(const Settings& s) {
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

}  // namespace

App::App(Settings settings, const IntentRegistry& registry)
    : settings_(std::move(settings)), dispatcher_(registry, settings_) {
    if (!registry.duplicates().empty()) {
        std::string all;
        for (auto& d : registry.duplicates()) all += d + "\n";
        throw ConfigError(all);
    }
    server_ = std::make_unique<net::HttpServer>(
        server_options(settings_), [this](net::Request& req) { return router_->route(req); });
    metrics_ = std::make_unique<Metrics>(
        server_->threads(),
        Metrics::Gauges{[this] { return server_->open_connections(); },
                        [this] { return std::size_t{breaker_ && breaker_->open()}; }});

    // One TLS configuration for the process (a bad ca_file stops start-up here); one
    // client per I/O thread, shared by persistence and partners (its keep-alive pools and
    // TLS sessions are per origin): connections never cross threads.
    if (settings_.persistence.active || !settings_.partners.empty()) {
        net::ClientOptions client_options;
        // Built only when something will speak TLS (or a ca_file must be checked): the
        // system trust store costs ~6 MB of RSS that an http-only skill never uses.
        if (speaks_tls(settings_))
            client_options.tls = std::make_shared<net::TlsClientContext>(
                net::TlsClientOptions{.ca_file = settings_.tls.ca_file});
        for (unsigned i = 0; i < server_->threads(); ++i)
            clients_.push_back(std::make_unique<net::HttpClient>(server_->context(i).get_executor(),
                                                                 client_options));
    }
    std::vector<PersistenceTransport*> transports;
    if (settings_.persistence.active) {
        breaker_ = std::make_unique<CircuitBreaker>(settings_.circuit_breakers.threshold,
                                                    settings_.circuit_breakers.timeout);
        PersistenceOptions options{normalize_persistence_url(settings_.persistence.url),
                                   settings_.persistence.timeout, true,
                                   persistence_observer(*metrics_)};
        if (settings_.persistence.timeout >= settings_.skill.timeout)
            log::warning("app", "[service-persistence] timeout is not below [skill] timeout: "
                                "persistence calls end before the invocation deadline instead");
        for (auto& client : clients_) {
            transports_.push_back(std::make_unique<HttpPersistenceTransport>(options, *client, *breaker_));
            transports.push_back(transports_.back().get());
        }
    }
    std::vector<PartnerTransport*> partner_transports;
    if (!settings_.partners.empty()) {
        std::vector<PartnerOptions> partners;
        for (const auto& p : settings_.partners) {
            partners.push_back({p.name, p.url, p.timeout, p.breaker_threshold, p.breaker_timeout});
            if (p.timeout >= settings_.skill.timeout)
                log::warning("app", "a partner's timeout is not below [skill] timeout: its calls "
                                    "end before the invocation deadline instead",
                             {{"partner", p.name}});
        }
        partners_ = std::make_unique<PartnerDirectory>(partners);
        for (auto& client : clients_) {
            partner_transports_.push_back(std::make_unique<HttpPartnerTransport>(
                *partners_, *client, partner_observer(*metrics_)));
            partner_transports.push_back(partner_transports_.back().get());
        }
    }
    router_ = std::make_unique<Router>(settings_, dispatcher_, std::move(transports),
                                       [this] { return !server_->draining(); }, *metrics_,
                                       std::move(partner_transports));
}

App::~App() {
    // The server's threads use the router and transports: stop them first.
    if (server_) {
        server_->drain();
        server_->wait();
    }
    // The persistence clients' pooled sockets belong to the server's io_contexts:
    // close them while those still exist (member order would destroy the server
    // first: a heap-use-after-free ASan found at every shutdown with pooled connections).
    transports_.clear();
    partner_transports_.clear();
    clients_.clear();
}

std::uint16_t App::start() { return server_->start(); }
void App::drain_on_signal() { server_->drain_on_signal(); }
void App::drain() { server_->drain(); }
void App::wait() { server_->wait(); }

}  // namespace skill::runtime

namespace skill {

namespace {

void print_usage() {
    std::cout << "usage: skill [--config PATH] [--list-intents]\n"
                 "  --config PATH    skill.conf to load (default: $SKILL_CONF, else ./skill.conf)\n"
                 "  --list-intents   print the registered intents and exit\n";
}

/// The config file to read, and whether it must exist: --config PATH, else
/// $SKILL_CONF, else ./skill.conf when there is one (built-in defaults when not).
struct ConfigSource {
    std::string path;
    bool required = true;
};

ConfigSource config_source(const std::optional<std::string>& flag) {
    if (flag) return {*flag, true};
    if (const char* env = std::getenv("SKILL_CONF")) {
        if (*env == '\0') throw ConfigError("SKILL_CONF is set but empty: name a config file or unset it");
        return {env, true};
    }
    return {"skill.conf", false};
}

}  // namespace

int run(int argc, char** argv) {
    std::optional<std::string> config_flag;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            print_usage();
            return 0;
        }
        if (arg == "--list-intents") {
            for (auto& name : IntentRegistry::global().intents()) std::cout << name << "\n";
            return 0;
        }
        if (arg == "--config") {
            if (i + 1 >= argc || *argv[i + 1] == '\0') {
                std::cerr << "--config needs a value: the path of a skill.conf\n";
                print_usage();
                return 2;
            }
            config_flag = argv[++i];
            continue;
        }
        std::cerr << "unknown argument: " << arg << "\n";
        print_usage();
        return 2;
    }
    try {
        const ConfigSource source = config_source(config_flag);
        // Config::load names the path when it is missing, not a regular file or unreadable.
        Config config = source.required || std::filesystem::exists(source.path)
                            ? Config::load(source.path)
                            : Config::parse("");
        auto settings = runtime::load_settings(config);
        log::configure(settings.log.level, settings.log.format);
        runtime::App app(std::move(settings), IntentRegistry::global());
        app.drain_on_signal();
        auto port = app.start();
        log::info("skill", "listening",
                  {{"skill", app.settings().skill.id},
                   {"host", app.settings().http.host},
                   {"port", static_cast<std::int64_t>(port)},
                   {"apiBase", app.settings().skill.api_base},
                   {"threads", static_cast<std::int64_t>(app.server().threads())},
                   {"persistence", app.settings().persistence.active ? std::string_view(app.settings().persistence.url)
                                                                     : std::string_view("inactive")}});
        app.wait();
        log::info("skill", "stopped");
        return 0;
    } catch (const ConfigError& e) {
        std::cerr << "configuration error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "start-up failed: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace skill
