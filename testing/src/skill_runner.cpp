// The runner reuses the runtime's Dispatcher (framework/src, compiled into this library), so
// tests go through the same parse -> registry -> Context -> handler -> error mapping path as
// production; only the HTTP server is left out.
#include <skill/testing/skill_runner.hpp>

#include <skill/net/http_client.hpp>
#include <skill/partner_http.hpp>
#include <skill/persistence_http.hpp>

#include "dispatch.hpp"
#include "settings.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

namespace skill::testing {

namespace {

runtime::Settings settings_for(const RunnerOptions& options) {
    runtime::Settings s;
    s.skill.name = s.skill.id = options.skill_id;
    s.skill.api_base = "/v1/" + options.skill_id;
    s.skill.timeout = options.timeout;
    s.skill.debug = options.debug;
    if (!options.unavailable_text.empty()) s.skill.unavailable_text = options.unavailable_text;
    return s;
}

}  // namespace

struct SkillRunner::Impl {
    enum class Mode { fake, external, url, none };

    Impl(const IntentRegistry& r, const RunnerOptions& options)
        : registry(r), settings(settings_for(options)), dispatcher(registry, settings),
          fake(options.skill_id) {}

    Reply run(std::string_view body);

    const IntentRegistry& registry;
    runtime::Settings settings;
    runtime::Dispatcher dispatcher;  // refers to the two members above
    FakePersistence fake;
    Mode mode = Mode::fake;
    PersistenceTransport* external = nullptr;
    std::string url;
    std::chrono::milliseconds url_timeout{5000};
    // Shared across runs like the production breaker; generous so one test's failures
    // do not make later calls fail fast.
    CircuitBreaker breaker{1000, std::chrono::seconds(1)};
    // Partners: declared by use_partner (breakers kept across runs, like production's).
    std::vector<PartnerOptions> partner_options;
    std::unique_ptr<PartnerDirectory> partners;
    PartnerTransport* external_partners = nullptr;
};

Reply SkillRunner::Impl::run(std::string_view body) {
    boost::asio::io_context io;
    std::unique_ptr<net::HttpClient> client;
    std::unique_ptr<HttpPersistenceTransport> http;
    PersistenceTransport* transport = nullptr;
    switch (mode) {
    case Mode::fake: transport = &fake; break;
    case Mode::external: transport = external; break;
    case Mode::none: break;
    case Mode::url:
        client = std::make_unique<net::HttpClient>(io.get_executor());
        PersistenceOptions options;
        options.url = normalize_persistence_url(url);
        options.timeout = url_timeout;
        http = std::make_unique<HttpPersistenceTransport>(options, *client, breaker);
        transport = http.get();
        break;
    }
    std::unique_ptr<net::HttpClient> partner_client;
    std::unique_ptr<HttpPartnerTransport> partner_http;
    PartnerTransport* partner_transport = external_partners;
    if (!partner_transport && partners) {
        partner_client = std::make_unique<net::HttpClient>(io.get_executor());
        partner_http = std::make_unique<HttpPartnerTransport>(*partners, *partner_client);
        partner_transport = partner_http.get();
    }
    // Fields the runtime adds later (log options, span ids) stay value-initialised: what a
    // test wants, so the warning about them is silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
    runtime::InvocationInput input{body, transport, {}, "test-trace"};
#pragma GCC diagnostic pop
    input.partners = partner_transport;
    auto future = boost::asio::co_spawn(io, dispatcher.invoke(std::move(input)), boost::asio::use_future);
    io.run();
    auto outcome = future.get();

    Reply reply;
    reply.status = outcome.status;
    reply.body = boost::json::parse(outcome.body);
    reply.persistence_failed = outcome.persistence_failed;
    reply.partner_failed = outcome.partner_failed;
    return reply;
}

SkillRunner::SkillRunner(RunnerOptions options) : SkillRunner(IntentRegistry::global(), std::move(options)) {}

SkillRunner::SkillRunner(const IntentRegistry& registry, RunnerOptions options)
    : impl_(std::make_unique<Impl>(registry, options)) {}

SkillRunner::~SkillRunner() = default;

Reply SkillRunner::run(const Invocation& invocation) { return impl_->run(to_json(invocation)); }

Reply SkillRunner::run(std::string_view json_body) { return impl_->run(json_body); }

FakePersistence& SkillRunner::persistence() noexcept { return impl_->fake; }

void SkillRunner::use_persistence(PersistenceTransport& transport) {
    impl_->mode = Impl::Mode::external;
    impl_->external = &transport;
}

void SkillRunner::use_persistence_url(std::string url, std::chrono::milliseconds timeout) {
    impl_->mode = Impl::Mode::url;
    impl_->url = std::move(url);
    impl_->url_timeout = timeout;
}

void SkillRunner::disable_persistence() { impl_->mode = Impl::Mode::none; }

void SkillRunner::use_partner(std::string name, std::string url, std::chrono::milliseconds timeout) {
    auto& options = impl_->partner_options;
    std::erase_if(options, [&](const PartnerOptions& p) { return p.name == name; });
    // Generous breaker, as for persistence: one test's failures do not fail later calls fast.
    options.push_back({std::move(name), std::move(url), timeout, 1000, std::chrono::seconds(1)});
    impl_->partners = std::make_unique<PartnerDirectory>(options);
}

void SkillRunner::use_partners(PartnerTransport& transport) { impl_->external_partners = &transport; }

Reply run_handler(IntentHandler handler, const Invocation& invocation,
                  PersistenceTransport* persistence, RunnerOptions options) {
    IntentRegistry registry;
    registry.add(invocation.intent, handler);
    SkillRunner runner(registry, std::move(options));
    if (persistence) runner.use_persistence(*persistence);
    return runner.run(invocation);
}

}  // namespace skill::testing
