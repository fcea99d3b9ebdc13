#pragma once
// The runtime in one object. Built from a skill.conf (Config) and an intent registry, the
// Engine owns everything a running skill needs: the HTTP server and its I/O threads, one
// set of service clients per thread (persistence, partners, their keep-alive pools and TLS
// sessions), the breakers, the metrics and the dispatch that turns an invocation body into
// an answer. skill::run(), the test kit, the fuzzers and the benchmarks construct this and
// nothing else (docs/architecture.md).
//
//   skill::Engine engine(skill::Config::load("skill.conf"));
//   engine.drain_on_signal();
//   engine.start();        // the bound port
//   engine.wait();         // until SIGTERM, then drained
//
//   auto answer = engine.invoke(R"({"context":{"intent":"HELLO_INTENT",...}})");  // in process
#include <cstdint>
#include <memory>
#include <optional>
#include <skill/config.hpp>
#include <skill/intent.hpp>
#include <string>
#include <string_view>

namespace skill {

class PersistenceTransport;
class PartnerTransport;

/// One invocation's answer, exactly as the HTTP endpoint sends it.
struct Answer {
    int status = 200;
    std::string body;                 // JSON (protocol.md §3 / §4)
    std::string intent;               // empty when the body did not parse
    bool persistence_failed = false;  // a PersistenceError escaped: the body is the apology
    bool partner_failed = false;      // a PartnerError escaped: the body is the apology
};

class Engine {
  public:
    /// Validates `config` (ConfigError names section, key and value) and the registry
    /// (ConfigError for an intent registered twice). Nothing listens yet.
    explicit Engine(const Config& config,
                    const IntentRegistry& registry = IntentRegistry::global());
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;

    /// Bind, listen and start the I/O threads; returns the bound port.
    std::uint16_t start();
    /// Drain on SIGINT/SIGTERM (call before start()).
    void drain_on_signal();
    /// Stop accepting, finish what is in flight, end the threads (any thread, idempotent).
    void drain();
    /// Block until the I/O threads have ended.
    void wait();

    /// One invocation body through the same parse -> handler -> answer path as the HTTP
    /// endpoint, on the calling thread, without the server (tests, tools, fuzzers). The
    /// deadline, breakers and service clients are the engine's own.
    Answer invoke(std::string_view body);

    /// What invoke() uses instead of the configured services (tests): a transport that
    /// outlives the engine's use of it; nullptr goes back to the configured one.
    void use_persistence(PersistenceTransport* transport);
    void use_partners(PartnerTransport* transport);
    /// Persistence off for invoke(): ctx.persistence() throws PersistenceError(unavailable).
    void disable_persistence();
    /// ctx.now() answers `now` instead of the system clock (tests); std::nullopt: the system
    /// clock again. Between invocations only: it is not synchronised with the I/O threads.
    void fix_clock(std::optional<std::chrono::system_clock::time_point> now);
    /// What /k8s/readiness answers: not draining, and every SKILL_READY hook says true.
    bool ready() const;

    /// The Prometheus text of /prometheus.
    std::string metrics() const;

    struct Impl;
    /// The runtime's own code and tests.
    Impl& impl() noexcept { return *impl_; }
    explicit Engine(std::unique_ptr<Impl> impl);

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill
