#include <algorithm>
#include <optional>
#include <skill/json.hpp>
#include <skill/sleep.hpp>
#include <skill/testing/fake_persistence.hpp>
#include <stdexcept>

namespace skill::testing {

namespace json = boost::json;
using Condition = PersistenceTransport::Condition;

namespace {

/// The HTTP status the real transport would report with each kind of failure.
int status_of(PersistenceErrc code) {
    switch (code) {
        case PersistenceErrc::server_error:
            return 503;
        case PersistenceErrc::unauthorized:
            return 401;
        case PersistenceErrc::bad_response:
            return 200;
        case PersistenceErrc::conflict:
            return 412;
        default:
            return 0;
    }
}

std::string tag_of(std::uint64_t version) {
    return '"' + std::to_string(version) + '"';
}

}  // namespace

FakePersistence::FakePersistence(std::string skill_id) : skill_id_(std::move(skill_id)) {}

void FakePersistence::fail_next(PersistenceErrc code, int times) {
    std::lock_guard lock(mutex_);
    failure_ = code;
    failures_left_ = times;
}

void FakePersistence::delay_next(std::chrono::milliseconds delay, int times) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
    delays_left_ = times;
}

void FakePersistence::conflict_next(int times) {
    std::lock_guard lock(mutex_);
    conflicts_left_ = times;
}

void FakePersistence::send_versions(bool on) noexcept {
    std::lock_guard lock(mutex_);
    versions_ = on;
}

void FakePersistence::put(const std::string& user, Document data) {
    put(user, skill_id_, std::move(data));
}

void FakePersistence::put(const std::string& user, const std::string& skill_id, Document data) {
    if (!data.is_object())
        throw std::invalid_argument("FakePersistence::put: the data must be a JSON object");
    std::lock_guard lock(mutex_);
    put_locked(user, skill_id, std::move(data));
}

void FakePersistence::put_locked(const std::string& user, const std::string& skill_id,
                                 Document data) {
    users_[user][skill_id] = Entry{std::move(data), ++last_version_};
}

const FakePersistence::Entry* FakePersistence::find(const std::string& user,
                                                    const std::string& skill_id) const {
    auto u = users_.find(user);
    if (u == users_.end()) return nullptr;
    auto s = u->second.find(skill_id);
    return s == u->second.end() ? nullptr : &s->second;
}

Document FakePersistence::data(const std::string& user) const {
    std::lock_guard lock(mutex_);
    const auto* entry = find(user, skill_id_);
    return entry ? entry->data : Document();
}

std::uint64_t FakePersistence::version(const std::string& user) const {
    std::lock_guard lock(mutex_);
    const auto* entry = find(user, skill_id_);
    return entry ? entry->version : 0;
}

int FakePersistence::conflicts() const {
    std::lock_guard lock(mutex_);
    return conflicts_;
}

std::size_t FakePersistence::calls() const {
    std::lock_guard lock(mutex_);
    return operations_.size();
}

Task<Document> FakePersistence::call(Call call) {
    std::chrono::milliseconds delay{0};
    std::optional<PersistenceErrc> failure;
    {
        std::lock_guard lock(mutex_);
        operations_.push_back(call.operation);
        if (delays_left_ > 0) {
            --delays_left_;
            delay = delay_;
        }
        if (failures_left_ > 0) {
            --failures_left_;
            failure = failure_;
        }
    }
    if (delay.count() > 0) {
        // Like a real network wait, the call ends by its deadline (a timeout) at the latest.
        const auto until = std::min(std::chrono::steady_clock::now() + delay, call.deadline);
        auto waiting = sleep_until(until);
        co_await std::move(waiting);
        if (until == call.deadline)
            throw PersistenceError(PersistenceErrc::timeout,
                                   "no answer before the call's deadline");
    }
    if (failure) {
        throw PersistenceError(*failure,
                               "injected failure (" + std::string(to_string(*failure)) + ")",
                               status_of(*failure));
    }
    std::lock_guard lock(mutex_);  // no wait from here on
    co_return answer(call);
}

Document FakePersistence::answer(const Call& call) {
    if (call.etag) call.etag->clear();
    switch (call.operation) {
        case Operation::get: {
            const auto* entry = find(call.token, skill_id_);
            if (entry == nullptr) return {};
            if (call.etag && versions_) *call.etag = tag_of(entry->version);
            return entry->data;
        }
        case Operation::get_all: {
            auto all = Document::object();
            if (auto u = users_.find(call.token); u != users_.end())
                for (const auto& [skill, entry] : u->second)
                    all = std::move(all).with(skill, entry.data);
            return all;
        }
        case Operation::set:
            return store(call);
        case Operation::remove:
            if (auto u = users_.find(call.token); u != users_.end()) u->second.erase(skill_id_);
            return nullptr;
    }
    return nullptr;
}

Document FakePersistence::store(const Call& call) {
    auto& entries = users_[call.token];
    auto found = entries.find(skill_id_);
    if (versions_ && call.condition != Condition::none) {
        bool holds = call.condition == Condition::if_absent
                         ? found == entries.end()
                         : found != entries.end() && tag_of(found->second.version) == call.version;
        if (holds && conflicts_left_ > 0) {
            // Another writer got there first: a new version (of the same data, or a new
            // empty entry where there was none).
            --conflicts_left_;
            holds = false;
            const auto data = found != entries.end() ? found->second.data : Document::object();
            put_locked(call.token, skill_id_, data);
            found = entries.find(skill_id_);
        }
        if (!holds) {
            ++conflicts_;
            if (call.etag && found != entries.end()) *call.etag = tag_of(found->second.version);
            throw PersistenceError(PersistenceErrc::conflict,
                                   "persistence set: the entry changed since it was read", 412);
        }
    }
    const auto given = call.data ? object_of(*call.data) : json::object{};
    Document stored;
    if (call.replace || found == entries.end()) {
        stored = to_document(given);
    } else {
        // Keys already stored keep their values: the service's atomic merge.
        auto merged = object_of(found->second.data);
        for (const auto& [k, v] : given)
            if (!merged.contains(k)) merged[k] = v;
        stored = to_document(std::move(merged));
    }
    put_locked(call.token, skill_id_, stored);
    if (call.etag && versions_) *call.etag = tag_of(last_version_);
    return stored;
}

}  // namespace skill::testing
