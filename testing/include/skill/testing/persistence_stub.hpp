#pragma once
// A test fixture that runs the real `persistence-stub` executable on an ephemeral port with a
// fresh database, for tests that want the real service's behaviour (JWT identity, atomic
// merge, HTTP errors) rather than the in-memory fake.
//
//   skill::testing::PersistenceStub stub;          // started; stopped and deleted at scope end
//   skill.use_persistence_url(stub.url());
//   auto token = stub.token("anna", "hello");      // a dev JWT for user anna, skill hello
//
// The executable: see default_stub_executable().
#include <chrono>
#include <cstdint>
#include <string>

namespace skill::testing {

struct StubOptions {
    std::string executable{};  // empty: default_stub_executable()
    std::string db_path{};     // empty: a fresh file in a temporary directory, removed afterwards
    std::chrono::milliseconds start_timeout{std::chrono::seconds(20)};
};

class PersistenceStub {
public:
    explicit PersistenceStub(StubOptions options = {});
    ~PersistenceStub();  // SIGTERM, wait; removes the temporary database
    PersistenceStub(const PersistenceStub&) = delete;
    PersistenceStub& operator=(const PersistenceStub&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    /// http://127.0.0.1:PORT, for SkillRunner::use_persistence_url or SERVICE_PERSISTENCE_URL.
    std::string url() const;
    /// A dev token for `user` and `skill_id` (persistence-stub --dev-token).
    std::string token(const std::string& user, const std::string& skill_id) const;
    /// Stop (SIGTERM) and start again on the same database and a new port.
    void restart();
    /// Everything the stub wrote to stderr (its JSON log lines).
    std::string log() const;

private:
    void start();
    void stop();

    StubOptions options_;
    std::string temp_dir_;  // the log file, and the database unless one was given
    int pid_ = -1;
    std::uint16_t port_ = 0;
};

/// $SKILL_PERSISTENCE_STUB (the package's CMake config names the installed one in
/// SkillSdk_PERSISTENCE_STUB: pass it to your tests' environment), else the stub in the
/// install prefix the SDK was configured with, else `persistence-stub` on PATH.
std::string default_stub_executable();

}  // namespace skill::testing
