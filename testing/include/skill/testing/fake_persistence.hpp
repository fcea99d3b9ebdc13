#pragma once
// An in-memory persistence service with the real transport interface: handlers see the same
// Document, caching and PersistenceError behaviour as in production, without a network.
//
//   skill::testing::FakePersistence store;
//   store.put("anna", {{"name", "Anna"}});          // seed the user "anna" (token = user)
//   store.fail_next(skill::PersistenceErrc::timeout); // the next call throws
//   store.delay_next(std::chrono::seconds(6));        // the next call waits, at most to its
//   deadline store.conflict_next(2);                           // the next 2 conditional writes
//   lose a race
//
// Versions as the stub keeps them: every stored entry has one (1, 2, ...; put() and set() each
// make a new one), answered as the ETag `"<version>"`; a conditional set (If-Match, If-None-Match)
// stores only when it holds, else PersistenceError(conflict, 412).
//
// The token of an invocation is the user. One fake may serve SkillRunners on several threads
// (a concurrency test): each call takes a lock around the fake's state, never across a wait.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <skill/persistence.hpp>
#include <string>
#include <vector>

namespace skill::testing {

class FakePersistence final : public PersistenceTransport {
  public:
    /// `skill_id` keys this skill's data in get_all().
    explicit FakePersistence(std::string skill_id = "test");

    Task<Document> call(Call call) override;

    /// The next `times` calls throw PersistenceError(code) instead of answering.
    void fail_next(PersistenceErrc code = PersistenceErrc::unreachable, int times = 1);
    /// The next `times` calls wait `delay` first (on the caller's executor, cancellable).
    void delay_next(std::chrono::milliseconds delay, int times = 1);
    /// The next `times` conditional writes fail with 412 as if another writer had won just
    /// before: the entry gets a new version (same data), so a retry reads again.
    void conflict_next(int times = 1);
    /// false: behave like a service without versions (no ETag; If-Match and If-None-Match
    /// are ignored), as the platform's service may.
    void send_versions(bool on) noexcept;

    /// Seed or read a user's data for this skill (or another skill, for get_all()). `data`
    /// is an object (anything else throws std::invalid_argument); data() is a missing
    /// Document when nothing is stored.
    void put(const std::string& user, Document data);
    void put(const std::string& user, const std::string& skill_id, Document data);
    Document data(const std::string& user) const;
    /// The version of a user's entry for this skill; 0 when there is none.
    std::uint64_t version(const std::string& user) const;
    /// 412 answers given (injected or real).
    int conflicts() const;

    /// Every call that reached the fake (injected failures included), in order.
    /// Read it when no call is in flight.
    const std::vector<Operation>& operations() const noexcept { return operations_; }
    std::size_t calls() const;

  private:
    struct Entry {
        Document data;
        std::uint64_t version = 0;
    };
    Document answer(const Call& call);
    Document store(const Call& call);
    const Entry* find(const std::string& user, const std::string& skill_id) const;
    void put_locked(const std::string& user, const std::string& skill_id, Document data);

    mutable std::mutex mutex_;  // test kit only: lets threads share one fake
    std::string skill_id_;
    std::map<std::string, std::map<std::string, Entry>> users_;  // user -> skill -> entry
    std::uint64_t last_version_ = 0;  // versions grow across entries, like a sequence
    std::vector<Operation> operations_;
    int conflicts_left_ = 0;
    int conflicts_ = 0;
    bool versions_ = true;
    PersistenceErrc failure_ = PersistenceErrc::unreachable;
    int failures_left_ = 0;
    std::chrono::milliseconds delay_{0};
    int delays_left_ = 0;
};

}  // namespace skill::testing
