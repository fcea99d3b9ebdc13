#pragma once
// Run handlers in process, without HTTP, through the runtime's real dispatch: the invocation
// is written as JSON, parsed, dispatched with the deadline and the error mapping of
// docs/protocol.md §4, and the JSON answer is parsed back into a Reply. What a test sees is
// exactly what the platform would get.
//
//   skill::testing::SkillRunner skill;  // the SKILL_INTENT handlers linked into the test
//   auto reply = skill.run(invocation("HELLO_INTENT").token("anna"));
//   CHECK(reply.type() == skill::ResponseType::ask_freetext);
#include <chrono>
#include <memory>
#include <optional>
#include <skill/intent.hpp>
#include <skill/partner.hpp>
#include <skill/testing/fake_persistence.hpp>
#include <skill/testing/invocation_builder.hpp>
#include <skill/testing/reply.hpp>
#include <string>
#include <string_view>

namespace skill::testing {

struct RunnerOptions {
    std::string skill_id = "test";            // also the key of this skill's data in the fake
    std::chrono::milliseconds timeout{5000};  // the per-invocation deadline ([skill] timeout)
    bool debug = true;               // exception text in 500 bodies ([skill] debug): handy in tests
    std::string unavailable_text{};  // the apology; empty: the runtime's default
    // Translations (docs/localisation.md): where the catalogs are ([i18n] dir; empty: next to
    // the test binary, which a test rarely has: pass $<TARGET_PROPERTY:handlers,SKILL_LOCALE_DIR>),
    // their domain ([i18n] domain; empty: skill_id) and the locales served ([skill] locales,
    // e.g. "de, en"; empty: every catalog, default language de).
    std::string locale_dir{};
    std::string domain{};
    std::string locales{};
    // A key no catalog has, or a placeholder without an argument, fails the invocation (500,
    // the message in its detail) instead of being logged: a test finds it, not a user.
    bool strict_translations = true;
};

class SkillRunner {
  public:
    /// Dispatches to the handlers registered with SKILL_INTENT.
    explicit SkillRunner(RunnerOptions options = {});
    /// Dispatches to `registry` (which must outlive the runner).
    explicit SkillRunner(const IntentRegistry& registry, RunnerOptions options = {});
    ~SkillRunner();
    SkillRunner(const SkillRunner&) = delete;
    SkillRunner& operator=(const SkillRunner&) = delete;

    Reply run(const Invocation& invocation);
    /// Exact wire bytes, e.g. to test how a malformed request is answered.
    Reply run(std::string_view json_body);

    /// The in-memory store used unless one of the use_* calls below chose another.
    FakePersistence& persistence() noexcept;
    /// Your own transport (must outlive the runner's use of it).
    void use_persistence(PersistenceTransport& transport);
    /// A real persistence service, e.g. PersistenceStub::url(); a fresh HTTP client per run.
    void use_persistence_url(std::string url,
                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
    /// Persistence inactive: ctx.persistence() throws PersistenceError(unavailable).
    void disable_persistence();

    /// Declare partner `name` at `url` (e.g. FakePartner::url()), as [partner.NAME] would:
    /// ctx.partner(name) then calls it over real HTTP, checks, breaker and deadline included.
    /// Without it ctx.partner(name) throws PartnerError(unknown_partner).
    void use_partner(std::string name, std::string url,
                     std::chrono::milliseconds timeout = std::chrono::seconds(2));
    /// Your own transport for every partner (must outlive the runner's use of it).
    void use_partners(PartnerTransport& transport);

    /// Set a skill.conf value, as the file would: the skill's own sections are what
    /// ctx.config() reads; [skill] timezone is the default zone. Checked as at start-up
    /// (ConfigError at the next run for a bad framework value).
    void config(std::string section, std::string key, std::string value);
    /// ctx.now() answers `now` from here on; std::nullopt: the system clock again.
    void fix_clock(std::optional<std::chrono::system_clock::time_point> now);
    /// What /k8s/readiness would answer: every SKILL_READY hook says true.
    bool ready();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Run one handler function that is not registered anywhere, e.g. a static helper.
Reply run_handler(IntentHandler handler, const Invocation& invocation,
                  PersistenceTransport* persistence = nullptr, RunnerOptions options = {});

}  // namespace skill::testing
