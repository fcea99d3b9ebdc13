#include <skill/testing/fake_persistence.hpp>

#include <skill/json.hpp>
#include <skill/sleep.hpp>

#include <algorithm>

#include <stdexcept>

namespace skill::testing {

namespace json = boost::json;

namespace {

/// The HTTP status the real transport would report with each kind of failure.
int status_of(PersistenceErrc code) {
    switch (code) {
    case PersistenceErrc::server_error: return 503;
    case PersistenceErrc::unauthorized: return 401;
    case PersistenceErrc::bad_response: return 200;
    default: return 0;
    }
}

}  // namespace

FakePersistence::FakePersistence(std::string skill_id) : skill_id_(std::move(skill_id)) {}

void FakePersistence::fail_next(PersistenceErrc code, int times) {
    failure_ = code;
    failures_left_ = times;
}

void FakePersistence::delay_next(std::chrono::milliseconds delay, int times) {
    delay_ = delay;
    delays_left_ = times;
}

void FakePersistence::put(const std::string& user, Document data) {
    put(user, skill_id_, std::move(data));
}

void FakePersistence::put(const std::string& user, const std::string& skill_id, Document data) {
    if (!data.is_object())
        throw std::invalid_argument("FakePersistence::put: the data must be a JSON object");
    users_[user][skill_id] = std::move(data);
}

Document FakePersistence::data(const std::string& user) const {
    auto u = users_.find(user);
    if (u == users_.end()) return {};
    auto s = u->second.find(skill_id_);
    if (s == u->second.end()) return {};
    return s->second;
}

Task<Document> FakePersistence::call(Call call) {
    operations_.push_back(call.operation);
    if (delays_left_ > 0) {
        --delays_left_;
        // Like a real network wait, the call ends by its deadline (a timeout) at the latest.
        const auto until = std::min(std::chrono::steady_clock::now() + delay_, call.deadline);
        auto waiting = sleep_until(until);
        co_await std::move(waiting);
        if (until == call.deadline)
            throw PersistenceError(PersistenceErrc::timeout, "no answer before the call's deadline");
    }
    if (failures_left_ > 0) {
        --failures_left_;
        throw PersistenceError(failure_, "injected failure (" + std::string(to_string(failure_)) + ")",
                               status_of(failure_));
    }
    co_return answer(call);
}

Document FakePersistence::answer(const Call& call) {
    switch (call.operation) {
    case Operation::get: return data(call.token);
    case Operation::get_all: {
        auto all = Document::object();
        if (auto u = users_.find(call.token); u != users_.end())
            for (const auto& [skill, data] : u->second) all = std::move(all).with(skill, data);
        return all;
    }
    case Operation::set: {
        auto& stored = users_[call.token][skill_id_];
        const auto given = call.data ? object_of(*call.data) : json::object{};
        if (call.replace) {
            stored = to_document(given);
        } else {
            // Keys already stored keep their values: the service's atomic merge.
            auto merged = object_of(stored);
            for (const auto& [k, v] : given)
                if (!merged.contains(k)) merged[k] = v;
            stored = to_document(std::move(merged));
        }
        return stored;
    }
    case Operation::remove:
        if (auto u = users_.find(call.token); u != users_.end()) u->second.erase(skill_id_);
        return nullptr;
    }
    return nullptr;
}

}  // namespace skill::testing
