// PersistenceSession: one user's persistence for one invocation. It caches
// this skill's data so a handler may call get() freely: one GET per invocation,
// and remembers the entry's version (its entity tag) for conditional writes.
#include <algorithm>
#include <atomic>
#include <random>
#include <skill/json.hpp>
#include <skill/log.hpp>
#include <skill/persistence.hpp>
#include <skill/sleep.hpp>

namespace skill {

std::string_view to_string(PersistenceErrc code) noexcept {
    switch (code) {
        case PersistenceErrc::timeout:
            return "timeout";
        case PersistenceErrc::unreachable:
            return "unreachable";
        case PersistenceErrc::server_error:
            return "server_error";
        case PersistenceErrc::unauthorized:
            return "unauthorized";
        case PersistenceErrc::bad_response:
            return "bad_response";
        case PersistenceErrc::circuit_open:
            return "circuit_open";
        case PersistenceErrc::unavailable:
            return "unavailable";
        case PersistenceErrc::tls:
            return "tls";
        case PersistenceErrc::invalid_token:
            return "invalid_token";
        case PersistenceErrc::conflict:
            return "conflict";
    }
    return "unknown";
}

PersistenceError::PersistenceError(PersistenceErrc code, std::string message, int http_status)
    : std::runtime_error(std::move(message)), code_(code), http_status_(http_status) {}

PersistenceSession::PersistenceSession(PersistenceTransport* transport, std::string token,
                                       HeaderList trace_headers)
    : transport_(transport), token_(std::move(token)), trace_headers_(std::move(trace_headers)) {}

bool is_entity_tag(std::string_view tag) noexcept {
    // Echoed into If-Match: nothing but visible ASCII may cross into the header, and
    // a bound keeps a hostile service from making every write carry kilobytes.
    if (tag.size() < 2 || tag.size() > 130 || tag.front() != '"' || tag.back() != '"') return false;
    for (std::size_t i = 1; i + 1 < tag.size(); ++i) {
        const auto c = static_cast<unsigned char>(tag[i]);
        if (c < 0x21 || c > 0x7e || c == '"') return false;
    }
    return true;
}

Task<Document> PersistenceSession::call(PersistenceTransport::Operation op, const Document* data,
                                        bool replace, PersistenceTransport::Condition condition) {
    if (transport_ == nullptr) {
        throw PersistenceError(PersistenceErrc::unavailable, "persistence is not configured");
    }
    if (token_.empty()) {
        throw PersistenceError(PersistenceErrc::unavailable, "the invocation carries no cvi token");
    }
    ++calls_;
    if (make_trace_headers_) {
        trace_headers_ = make_trace_headers_();
        make_trace_headers_ = nullptr;
    }
    using Operation = PersistenceTransport::Operation;
    const bool versioned = op == Operation::get || op == Operation::set;
    std::string etag;  // a version is a few characters: no allocation
    PersistenceTransport::Call request{op,        token_,         data,
                                       replace,   trace_headers_, deadline_,
                                       condition, version_,       versioned ? &etag : nullptr};
    try {
        auto value = co_await transport_->call(request);
        // Any transport's tag is checked here: a malformed one would be echoed in a header.
        if (versioned) version_ = is_entity_tag(etag) ? std::move(etag) : std::string();
        co_return value;
    } catch (const PersistenceError& e) {
        // Another writer won: what this session read is stale; the next get() reads again.
        if (e.code() == PersistenceErrc::conflict) {
            cached_.reset();
            version_.clear();
        }
        throw;
    }
}

namespace {

// A null answer (404: nothing stored) becomes an empty Document, so "no data"
// and "some data" read the same way in a handler.
Document present(Document value) {
    if (!value) return Document();
    return value;
}

std::string_view kind_name(const Document& d) {
    if (!d.exists()) return "a missing Document";
    switch (json_of(d).kind()) {
        case boost::json::kind::null:
            return "null";
        case boost::json::kind::bool_:
            return "a boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_:
            return "a number";
        case boost::json::kind::string:
            return "a string";
        case boost::json::kind::array:
            return "an array";
        case boost::json::kind::object:
            return "an object";
    }
    return "not an object";
}

}  // namespace

Task<Document> PersistenceSession::get() {
    if (cached_) co_return *cached_;
    auto value = co_await call(PersistenceTransport::Operation::get);
    cached_ = present(std::move(value));
    co_return *cached_;
}

Task<Document> PersistenceSession::get_all() {
    // Other skills' data is not ours to cache: always ask the service.
    co_return present(co_await call(PersistenceTransport::Operation::get_all));
}

Task<Document> PersistenceSession::set(Document data, bool replace) {
    return store(std::move(data), replace, false);
}

Task<Document> PersistenceSession::set(Document data, SetOptions options) {
    return store(std::move(data), options.replace, options.if_unchanged);
}

namespace {

// Once a process: a service that sends no versions cannot protect writes, and a skill
// author should hear so once, not on every invocation.
void warn_unversioned() {
    static std::atomic<bool> warned{false};
    if (warned.exchange(true, std::memory_order_relaxed)) return;
    log::warning("persistence",
                 "the persistence service sends no ETag: conditional writes (update, "
                 "if_unchanged) are stored unconditionally, concurrent updates of one user may "
                 "be lost");
}

}  // namespace

Task<Document> PersistenceSession::store(Document data, bool replace, bool conditional) {
    if (!data.is_object()) {
        throw std::invalid_argument("persistence set(): the data must be a JSON object, not " +
                                    std::string(kind_name(data)));
    }
    auto condition = PersistenceTransport::Condition::none;
    if (conditional) {
        if (!cached_) {
            throw std::logic_error(
                "persistence set(if_unchanged): nothing was read in this invocation (get() first)");
        }
        if (!cached_->exists()) {
            condition = PersistenceTransport::Condition::if_absent;
        } else if (!version_.empty()) {
            condition = PersistenceTransport::Condition::if_match;
        } else {
            warn_unversioned();  // stored data, no version: the service does not version
        }
    }
    auto stored = co_await call(PersistenceTransport::Operation::set, &data, replace, condition);
    // The service answers with what it now holds (after a merge, more than `data`).
    cached_ = present(std::move(stored));
    co_return *cached_;
}

namespace {

// Before attempt `attempt` + 1: a random pause in a window that doubles (5, 10, 20 ...
// at most 250 ms), so writers that collided do not collide again in lockstep. Short: the
// service accepts one writer per version, so retrying soon costs load, not throughput.
std::chrono::milliseconds backoff(int attempt) {
    thread_local std::minstd_rand random{std::random_device{}()};
    const int window = std::min(5 << std::min(attempt - 1, 6), 250);
    return std::chrono::milliseconds(std::uniform_int_distribution<int>(1, window)(random));
}

}  // namespace

Task<Document> PersistenceSession::update(Function<Document(Document)> change) {
    return update(std::move(change), UpdateOptions{});
}

Task<Document> PersistenceSession::update(Function<Document(Document)> change,
                                          UpdateOptions options) {
    if (!change) throw std::invalid_argument("persistence update(): no change function");
    if (options.max_attempts < 1)
        throw std::invalid_argument("persistence update(): max_attempts must be at least 1");
    for (int attempt = 1;; ++attempt) {
        auto current = co_await get();
        auto next = change(std::move(current));
        if (!next.is_object()) {
            throw std::invalid_argument(
                "persistence update(): the change must return a JSON object, not " +
                std::string(kind_name(next)));
        }
        try {
            auto stored = co_await store(std::move(next), true, true);
            co_return stored;
        } catch (const PersistenceError& e) {
            if (e.code() != PersistenceErrc::conflict) throw;
        }
        // Lost to another writer (store() dropped the stale read): read again, after a pause.
        const auto pause = backoff(attempt);
        if (attempt >= options.max_attempts ||
            std::chrono::steady_clock::now() + pause >= deadline_) {
            throw PersistenceError(PersistenceErrc::conflict,
                                   "persistence update: " + std::to_string(attempt) +
                                       " attempts, each lost to a concurrent write",
                                   412);
        }
        auto pausing = sleep_for(pause);  // named: GCC 12 (docs/handlers.md)
        co_await std::move(pausing);
    }
}

Task<void> PersistenceSession::remove() {
    co_await call(PersistenceTransport::Operation::remove);
    cached_ = Document();  // known to be empty: a following get() needs no call
    version_.clear();
}

}  // namespace skill
