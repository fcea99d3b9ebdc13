#pragma once
// The persistence service as a handler sees it: a per-user session bound to
// the invocation's `tokens.cvi` (protocol.md §5, docs/persistence.md).
//
//   auto data = co_await ctx.persistence().get();          // one GET per invocation, cached
//   skill::Document data{{"name", "Anna"}};        // a named object: GCC 12 mishandles
//   co_await ctx.persistence().set(data);            // braced temporaries inside co_await
//   co_await ctx.persistence().set(data, false);     // keep existing keys (atomic merge)
//   auto visit = [](skill::Document d) { return d.with("visits", d["visits"].value_or(0) + 1); };
//   co_await ctx.persistence().update(visit);        // read-modify-write, no lost update
//
// Every failure is a PersistenceError; "no data yet" is an empty Document.
#include <optional>
#include <skill/clock.hpp>
#include <skill/document.hpp>
#include <skill/function.hpp>
#include <skill/task.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace skill {

enum class PersistenceErrc {
    timeout,        // no complete answer within [service-persistence] timeout
    unreachable,    // connection refused / reset / host unknown
    server_error,   // 5xx
    unauthorized,   // 401 / 403: the token was refused
    bad_response,   // malformed JSON, cut-off body, unexpected status
    circuit_open,   // failing fast: too many consecutive failures
    unavailable,    // service inactive in config, or the invocation carries no cvi token
    tls,            // https: the handshake failed or the service's certificate was refused
    invalid_token,  // the cvi token is no bearer token (control bytes, ...): never sent;
                    // unhandled, the invocation is answered 400 code 2
    conflict,       // 412: a conditional write lost to another writer (set(..., if_unchanged),
                    // or update() after its last attempt); nothing was stored
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
    /// set only: store only if the entry is still at `version` (If-Match), or only if
    /// there is none (If-None-Match: *). Else PersistenceError(conflict, 412).
    enum class Condition { none, if_match, if_absent };
    struct Call {
        Operation operation;
        const std::string& token;         // bearer token (never logged)
        const Document* data = nullptr;   // set only: an object
        bool replace = true;              // set only
        const HeaderList& trace_headers;  // passed on verbatim
        // The invocation's deadline: no call outlives it.
        std::chrono::steady_clock::time_point deadline =
            std::chrono::steady_clock::time_point::max();
        Condition condition = Condition::none;  // set only
        std::string_view version;               // Condition::if_match: an entity tag
        // get and set, when not null: the answer's entity tag (`"<version>"`, quotes
        // included), or "" when it carries none or one that is no strong entity tag
        // (is_entity_tag); on a conflict, the entry's current one.
        std::string* etag = nullptr;
    };
    virtual ~PersistenceTransport() = default;
    /// get: the data object (JSON null or missing when there is none); get_all: the
    /// object keyed by skill id; set: the stored data object; remove: null or missing.
    /// Throws PersistenceError.
    virtual Task<Document> call(Call call) = 0;
};

/// Whether `tag` may be echoed in If-Match: a strong entity tag (RFC 9110 8.8.3),
/// `"` + up to 128 visible ASCII characters other than `"` + `"`. A weak or malformed
/// one from a service is treated as absent.
bool is_entity_tag(std::string_view tag) noexcept;

struct SetOptions {
    bool replace = true;  // false: keep keys that already exist (atomic merge)
    // Store only if the entry is still as this session last read or wrote it (If-Match
    // its version; If-None-Match: * when there was none); else PersistenceErrc::conflict.
    // Needs a get() (or set()) first in this invocation (else std::logic_error). Against a
    // service that sends no version the write is unconditional (docs/persistence.md).
    bool if_unchanged = false;
};

struct UpdateOptions {
    // Generous: under heavy contention the invocation's deadline should end the retries,
    // not the count (of 50 simultaneous updates of one user through the stub on a busy
    // machine, some needed more than 10 attempts).
    int max_attempts = 30;
};

class PersistenceSession {
  public:
    PersistenceSession(PersistenceTransport* transport, std::string token,
                       HeaderList trace_headers);
    /// `trace_headers` is called at the first call over the wire, if any: most
    /// invocations make none, and the headers cost allocations to build.
    template <class MakeHeaders>
    requires std::is_invocable_r_v<HeaderList, MakeHeaders&> PersistenceSession(
        PersistenceTransport* transport, std::string token, MakeHeaders trace_headers)
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
    Task<Document> set(Document data, SetOptions options);
    /// Read-modify-write without lost updates: reads (or takes the cached read), stores
    /// `change(data)` (an object) if nothing was written meanwhile, else reads again and
    /// retries after a short random back-off, up to `max_attempts` times in all and never
    /// past the deadline; then PersistenceErrc::conflict. `change` may run more than once:
    /// no side effects in it. Returns the data now stored.
    Task<Document> update(Function<Document(Document)> change);
    Task<Document> update(Function<Document(Document)> change, UpdateOptions options);
    /// Delete this skill's data for this user.
    Task<void> remove();

    /// The entity tag of the entry as last read or written in this session ("" when
    /// none is known: nothing read yet, no entry, or a service without versions).
    std::string_view version() const noexcept { return version_; }

    /// Number of calls that went over the wire (tests, metrics).
    int calls() const noexcept { return calls_; }

    /// Calls end by `deadline` (the runtime sets the invocation's, less a reserve
    /// to answer in).
    void set_deadline(std::chrono::steady_clock::time_point deadline) noexcept {
        deadline_ = deadline;
    }

  private:
    Task<Document> call(
        PersistenceTransport::Operation op, const Document* data = nullptr, bool replace = true,
        PersistenceTransport::Condition condition = PersistenceTransport::Condition::none);
    Task<Document> store(Document data, bool replace, bool conditional);
    PersistenceTransport* transport_;
    std::string token_;
    HeaderList trace_headers_;
    Function<HeaderList()> make_trace_headers_;  // empty once called
    std::optional<Document> cached_;             // missing (!exists()): known to hold no entry
    std::string version_;                        // cached_'s entity tag, "" when none
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    int calls_ = 0;
};

}  // namespace skill
