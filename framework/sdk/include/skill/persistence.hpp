#pragma once
// The persistence service as a handler sees it: a per-user session bound to
// the invocation's `tokens.cvi` (protocol.md §5, docs/persistence.md).
//
//   auto data = co_await ctx.persistence().get();          // one GET per invocation, cached
//   skill::Document data{{"name", "Anna"}};        // a named object: GCC 12 mishandles
//   co_await ctx.persistence().set(data);            // braced temporaries inside co_await
//   co_await ctx.persistence().set(data, false);     // keep existing keys (atomic merge)
//
// Every failure is a PersistenceError; "no data yet" is an empty Document.
#include <skill/document.hpp>
#include <skill/function.hpp>
#include <skill/task.hpp>

#include <skill/clock.hpp>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace skill {

enum class PersistenceErrc {
    timeout,       // no complete answer within [service-persistence] timeout
    unreachable,   // connection refused / reset / host unknown
    server_error,  // 5xx
    unauthorized,  // 401 / 403: the token was refused
    bad_response,  // malformed JSON, cut-off body, unexpected status
    circuit_open,  // failing fast: too many consecutive failures
    unavailable,   // service inactive in config, or the invocation carries no cvi token
    tls,           // https: the handshake failed or the service's certificate was refused
    invalid_token, // the cvi token is no bearer token (control bytes, ...): never sent;
                   // unhandled, the invocation is answered 400 code 2
};

std::string_view to_string(PersistenceErrc) noexcept;

class PersistenceError : public std::runtime_error {
public:
    PersistenceError(PersistenceErrc code, std::string message, int http_status = 0);
    PersistenceErrc code() const noexcept { return code_; }
    int http_status() const noexcept { return http_status_; }  // 0 when no HTTP answer

private:
    PersistenceErrc code_;
    int http_status_;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// The wire behind a session: HTTP in production, an in-memory fake in tests.
class PersistenceTransport {
public:
    enum class Operation { get, get_all, set, remove };
    struct Call {
        Operation operation;
        const std::string& token;                  // bearer token (never logged)
        const Document* data = nullptr;              // set only: an object
        bool replace = true;                         // set only
        const HeaderList& trace_headers;             // passed on verbatim
        // The invocation's deadline: no call outlives it.
        std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    };
    virtual ~PersistenceTransport() = default;
    /// get: the data object (JSON null or missing when there is none); get_all: the
    /// object keyed by skill id; set: the stored data object; remove: null or missing.
    /// Throws PersistenceError.
    virtual Task<Document> call(Call call) = 0;
};

class PersistenceSession {
public:
    PersistenceSession(PersistenceTransport* transport, std::string token, HeaderList trace_headers);
    /// `trace_headers` is called at the first call over the wire, if any: most
    /// invocations make none, and the headers cost allocations to build.
    template <class MakeHeaders>
        requires std::is_invocable_r_v<HeaderList, MakeHeaders&>
    PersistenceSession(PersistenceTransport* transport, std::string token,
                       MakeHeaders trace_headers)
        : PersistenceSession(transport, std::move(token), HeaderList{}) {
        make_trace_headers_ = std::move(trace_headers);
    }

    /// This skill's data for this user; empty Document when none is stored.
    Task<Document> get();
    /// All of this user's data, keyed by skill id.
    Task<Document> get_all();
    /// Store `data`, an object (anything else throws std::invalid_argument naming its kind,
    /// before any call). replace = false keeps keys that already exist (merged atomically
    /// by the service). Returns the data now stored.
    Task<Document> set(Document data, bool replace = true);
    /// Delete this skill's data for this user.
    Task<void> remove();

    /// Number of calls that went over the wire (tests, metrics).
    int calls() const noexcept { return calls_; }

    /// Calls end by `deadline` (the runtime sets the invocation's, less a reserve
    /// to answer in).
    void set_deadline(std::chrono::steady_clock::time_point deadline) noexcept { deadline_ = deadline; }

private:
    Task<Document> call(PersistenceTransport::Operation op, const Document* data = nullptr,
                        bool replace = true);
    PersistenceTransport* transport_;
    std::string token_;
    HeaderList trace_headers_;
    Function<HeaderList()> make_trace_headers_;  // empty once called
    std::optional<Document> cached_;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    int calls_ = 0;
};

}  // namespace skill
