// PersistenceSession: one user's persistence for one invocation. It caches
// this skill's data so a handler may call get() freely: one GET per invocation.
#include <skill/json.hpp>
#include <skill/persistence.hpp>

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
    }
    return "unknown";
}

PersistenceError::PersistenceError(PersistenceErrc code, std::string message, int http_status)
    : std::runtime_error(std::move(message)), code_(code), http_status_(http_status) {}

PersistenceSession::PersistenceSession(PersistenceTransport* transport, std::string token,
                                       HeaderList trace_headers)
    : transport_(transport), token_(std::move(token)), trace_headers_(std::move(trace_headers)) {}

Task<Document> PersistenceSession::call(PersistenceTransport::Operation op, const Document* data,
                                        bool replace) {
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
    co_return co_await transport_->call(
        PersistenceTransport::Call{op, token_, data, replace, trace_headers_, deadline_});
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
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "a boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "a number";
        case boost::json::kind::string: return "a string";
        case boost::json::kind::array: return "an array";
        case boost::json::kind::object: return "an object";
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
    if (!data.is_object()) {
        throw std::invalid_argument("persistence set(): the data must be a JSON object, not " +
                                    std::string(kind_name(data)));
    }
    auto stored = co_await call(PersistenceTransport::Operation::set, &data, replace);
    // The service answers with what it now holds (after a merge, more than `data`).
    cached_ = present(std::move(stored));
    co_return *cached_;
}

Task<void> PersistenceSession::remove() {
    co_await call(PersistenceTransport::Operation::remove);
    cached_ = Document();  // known to be empty: a following get() needs no call
}

}  // namespace skill
