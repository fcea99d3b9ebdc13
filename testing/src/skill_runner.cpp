// The runner is an Engine (the same one a skill's main() builds) invoked in process: tests
// go through the same parse -> registry -> Context -> handler -> error mapping path as
// production; only the HTTP server is left out. Public headers only.
#include <boost/json/parse.hpp>
#include <chrono>
#include <optional>
#include <skill/engine.hpp>
#include <skill/testing/skill_runner.hpp>
#include <string>

namespace skill::testing {

namespace {

std::string millis(std::chrono::milliseconds d) {
    return std::to_string(d.count()) + "ms";
}

}  // namespace

struct SkillRunner::Impl {
    enum class Mode { fake, external, url, none };

    Impl(const IntentRegistry& r, const RunnerOptions& options)
        : registry(r), fake(options.skill_id) {
        // Fail where the binary fails (at start-up), not at the first run(): a suite that
        // never runs the doubly registered intent would otherwise pass while the
        // deployment crash-loops.
        if (!registry.duplicates().empty()) {
            std::string all;
            for (const auto& d : registry.duplicates()) all += d + "\n";
            throw ConfigError(all);
        }
        config.set("skill", "id", options.skill_id);
        config.set("skill", "name", options.skill_id);
        config.set("skill", "timeout", millis(options.timeout));
        config.set("skill", "debug", options.debug ? "true" : "false");
        if (!options.unavailable_text.empty())
            config.set("skill", "unavailable_text", options.unavailable_text);
        config.set("http", "threads", "1");
        config.set("service-persistence", "active", "false");
        if (!options.locale_dir.empty()) config.set("i18n", "dir", options.locale_dir);
        if (!options.domain.empty()) config.set("i18n", "domain", options.domain);
        if (!options.locales.empty()) config.set("skill", "locales", options.locales);
        config.set("i18n", "strict", options.strict_translations ? "true" : "false");
    }

    /// The engine for the current configuration, built again after a use_* call changed it
    /// (breakers and pooled connections are kept across runs, as in production).
    Engine& engine() {
        if (!built) {
            built.emplace(config, registry);
            apply();
        }
        return *built;
    }
    void reconfigure() { built.reset(); }
    void apply() {
        if (!built) return;
        built->fix_clock(fixed_now);
        built->use_persistence(mode == Mode::fake       ? static_cast<PersistenceTransport*>(&fake)
                               : mode == Mode::external ? external
                                                        : nullptr);
        if (mode == Mode::none) built->disable_persistence();
        built->use_partners(external_partners);
    }

    Reply run(std::string_view body) {
        auto answer = engine().invoke(body);
        Reply reply;
        reply.status = answer.status;
        reply.body = boost::json::parse(answer.body);
        reply.persistence_failed = answer.persistence_failed;
        reply.partner_failed = answer.partner_failed;
        return reply;
    }

    const IntentRegistry& registry;
    Config config;
    std::optional<Engine> built;
    FakePersistence fake;
    Mode mode = Mode::fake;
    PersistenceTransport* external = nullptr;
    PartnerTransport* external_partners = nullptr;
    std::optional<std::chrono::system_clock::time_point> fixed_now;
};

SkillRunner::SkillRunner(RunnerOptions options)
    : SkillRunner(IntentRegistry::global(), std::move(options)) {}

SkillRunner::SkillRunner(const IntentRegistry& registry, RunnerOptions options)
    : impl_(std::make_unique<Impl>(registry, options)) {}

SkillRunner::~SkillRunner() = default;

Reply SkillRunner::run(const Invocation& invocation) {
    return impl_->run(to_json(invocation));
}

Reply SkillRunner::run(std::string_view json_body) {
    return impl_->run(json_body);
}

FakePersistence& SkillRunner::persistence() noexcept {
    return impl_->fake;
}

void SkillRunner::use_persistence(PersistenceTransport& transport) {
    impl_->mode = Impl::Mode::external;
    impl_->external = &transport;
    impl_->apply();
}

void SkillRunner::use_persistence_url(std::string url, std::chrono::milliseconds timeout) {
    impl_->mode = Impl::Mode::url;
    impl_->config.set("service-persistence", "active", "true");
    impl_->config.set("service-persistence", "url", std::move(url));
    impl_->config.set("service-persistence", "timeout", millis(timeout));
    // Generous, so one test's failures do not make later calls fail fast.
    impl_->config.set("circuit_breakers", "threshold", "1000");
    impl_->config.set("circuit_breakers", "timeout", "1s");
    impl_->reconfigure();
}

void SkillRunner::disable_persistence() {
    impl_->mode = Impl::Mode::none;
    impl_->apply();
}

void SkillRunner::use_partner(std::string name, std::string url,
                              std::chrono::milliseconds timeout) {
    const std::string section = "partner." + name;
    impl_->config.set(section, "url", std::move(url));
    impl_->config.set(section, "timeout", millis(timeout));
    // Generous breaker, as for persistence: one test's failures do not fail later calls fast.
    impl_->config.set(section, "breaker_threshold", "1000");
    impl_->config.set(section, "breaker_timeout", "1s");
    impl_->reconfigure();
}

void SkillRunner::use_partners(PartnerTransport& transport) {
    impl_->external_partners = &transport;
    impl_->apply();
}

void SkillRunner::config(std::string section, std::string key, std::string value) {
    impl_->config.set(std::move(section), std::move(key), std::move(value));
    impl_->reconfigure();
}

void SkillRunner::fix_clock(std::optional<std::chrono::system_clock::time_point> now) {
    impl_->fixed_now = now;
    impl_->apply();
}

bool SkillRunner::ready() {
    return impl_->engine().ready();
}

Reply run_handler(IntentHandler handler, const Invocation& invocation,
                  PersistenceTransport* persistence, RunnerOptions options) {
    IntentRegistry registry;
    registry.add(invocation.intent, handler);
    SkillRunner runner(registry, std::move(options));
    if (persistence) runner.use_persistence(*persistence);
    return runner.run(invocation);
}

}  // namespace skill::testing
