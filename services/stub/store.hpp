#pragma once
// The stub's storage: one SQLite file, one row per (user, skill) holding the
// skill's JSON object. SQLite calls block, so a dedicated DB thread owns the
// connection and works a queue; callers are coroutines that suspend until
// their operation is committed (group commit: every operation queued at the
// time runs inside ONE transaction, so many writers share one fsync).
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace skill::stub {

class EntryTable;

struct Operation {
    enum class Kind {
        get,      // the entry of (user, skill)
        get_all,  // every entry of user: {"<skill>": {...}, ...}
        set,      // replace the entry with `data`
        merge,    // add the top-level keys of `data` the entry lacks; keep the others
        remove,   // delete the entry (no error when there is none)
    };
    Operation() = default;
    Operation(Kind k, std::string u, std::string s, boost::json::object d = {})
        : kind(k), user(std::move(u)), skill(std::move(s)), data(std::move(d)) {}

    Kind kind = Kind::get;
    std::string user;
    std::string skill;
    boost::json::object data;  // merge: the keys to add; set: the data unless `json` holds it
    // set: `data` serialised. submit() fills it on the caller's thread when empty,
    // so the DB thread (the one that cannot scale) does no JSON work for a set.
    std::string json;
    // The size of the request data this operation came from (the API sets the body's),
    // counted against the write queue's bound with `json` and the ids.
    std::size_t bytes = 0;
};

struct StoreResult {
    bool ok = true;       // false: this operation failed (see `error`); the DB is unchanged by it
    std::string error;    // for the log, never sent to a client
    bool busy = false;    // refused unqueued: the write queue was full (ok is false too)
    bool found = false;   // get: an entry existed; remove: a row was deleted
    std::int64_t id = 0;  // get / set / merge: the entry's id
    // get / set / merge: the entry's data now; get_all: {"<skill>": {...}, ...}. A JSON
    // object serialised as boost::json::serialize writes it: what the answer carries.
    std::string data;
};

class StoreError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The default bound of the write queue (StubOptions::max_queued_write_bytes).
inline constexpr std::size_t default_max_queued_write_bytes = 16 * 1024 * 1024;

class Store {
  public:
    /// Open (create) the database file, apply the schema and pragmas, start
    /// the DB thread. Throws StoreError when the file cannot be opened.
    /// `max_queued_write_bytes` bounds the writes queued but not yet committed
    /// (see submit()).
    explicit Store(const std::string& path,
                   std::size_t max_queued_write_bytes = default_max_queued_write_bytes);
    /// Finishes every queued operation, then joins the DB thread.
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Queue `op`; the calling coroutine resumes on its own executor after
    /// the transaction holding `op` has committed (or failed). Thread-safe.
    /// A write (set, merge, remove) that would take the bytes of queued,
    /// uncommitted writes over the bound is not queued: its result is `busy`.
    /// (A write alone in the queue is always taken, however large.) Reads are
    /// never refused.
    boost::asio::awaitable<StoreResult> submit(Operation op);

    /// The bytes of writes queued or in the running batch (weighed as submit() does).
    std::size_t queued_write_bytes() const;
    std::size_t max_queued_write_bytes() const noexcept { return max_queued_write_bytes_; }
    /// Writes refused as busy so far.
    std::uint64_t refused_writes() const;

    /// Hold queued operations back until resume() (tests: build a batch deterministically).
    void pause();
    void resume();

    /// Transactions committed so far (one per batch).
    std::uint64_t commits() const;

    /// A queued operation, its result and the coroutine waiting for it.
    struct Pending;
    using Batch = std::vector<std::unique_ptr<Pending>>;
    /// BEGIN and COMMIT statements, prepared once.
    struct Transaction;

  private:
    void enqueue(std::unique_ptr<Pending> pending);
    /// Gives the batch's write bytes back to the bound; logs refusals since the last time.
    void release(const Batch& batch);
    void run();
    void execute(Batch& batch);
    /// Hands each result to its coroutine: one post per I/O thread, not one per operation.
    static void complete(Batch& batch);

    std::unique_ptr<EntryTable> table_;  // used by the DB thread only
    std::unique_ptr<Transaction> tx_;    // used by the DB thread only
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Batch queue_;
    const std::size_t max_queued_write_bytes_;
    std::size_t queued_write_bytes_ = 0;  // guarded by mutex_
    std::uint64_t refused_ = 0;           // guarded by mutex_: all refusals so far
    std::uint64_t refused_unlogged_ = 0;  // guarded by mutex_: since the last summary line
    bool stopping_ = false;
    bool paused_ = false;
    std::uint64_t commits_ = 0;
    std::thread thread_;
};

}  // namespace skill::stub
