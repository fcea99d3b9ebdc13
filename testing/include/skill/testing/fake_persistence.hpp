#pragma once
// An in-memory persistence service with the real transport interface: handlers see the same
// Document, caching and PersistenceError behaviour as in production, without a network.
//
//   skill::testing::FakePersistence store;
//   store.put("anna", {{"name", "Anna"}});          // seed the user "anna" (token = user)
//   store.fail_next(skill::PersistenceErrc::timeout); // the next call throws
//   store.delay_next(std::chrono::seconds(6));        // the next call waits, at most to its deadline
//
// The token of an invocation is the user. Single-threaded, like a skill's I/O thread.
#include <skill/persistence.hpp>

#include <chrono>
#include <map>
#include <optional>
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

    /// Seed or read a user's data for this skill (or another skill, for get_all()). `data`
    /// is an object (anything else throws std::invalid_argument); data() is a missing
    /// Document when nothing is stored.
    void put(const std::string& user, Document data);
    void put(const std::string& user, const std::string& skill_id, Document data);
    Document data(const std::string& user) const;

    /// Every call that reached the fake (injected failures included), in order.
    const std::vector<Operation>& operations() const noexcept { return operations_; }
    std::size_t calls() const noexcept { return operations_.size(); }

private:
    Document answer(const Call& call);

    std::string skill_id_;
    std::map<std::string, std::map<std::string, Document>> users_;  // user -> skill -> data
    std::vector<Operation> operations_;
    PersistenceErrc failure_ = PersistenceErrc::unreachable;
    int failures_left_ = 0;
    std::chrono::milliseconds delay_{0};
    int delays_left_ = 0;
};

}  // namespace skill::testing
