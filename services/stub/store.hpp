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
};

struct StoreResult {
    bool ok = true;       // false: this operation failed (see `error`); the DB is unchanged by it
    std::string error;    // for the log, never sent to a client
    bool found = false;   // get: an entry existed; remove: a row was deleted
    std::int64_t id = 0;  // get / set / merge: the entry's id
    // get / set / merge: the entry's data now; get_all: {"<skill>": {...}, ...}. A JSON
    // object serialised as boost::json::serialize writes it: what the answer carries.
    std::string data;
};

class StoreError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Store {
  public:
    /// Open (create) the database file, apply the schema and pragmas, start
    /// the DB thread. Throws StoreError when the file cannot be opened.
    explicit Store(const std::string& path);
    /// Finishes every queued operation, then joins the DB thread.
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// Queue `op`; the calling coroutine resumes on its own executor after
    /// the transaction holding `op` has committed (or failed). Thread-safe.
    boost::asio::awaitable<StoreResult> submit(Operation op);

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
    void run();
    void execute(Batch& batch);
    /// Hands each result to its coroutine: one post per I/O thread, not one per operation.
    static void complete(Batch& batch);

    std::unique_ptr<EntryTable> table_;  // used by the DB thread only
    std::unique_ptr<Transaction> tx_;    // used by the DB thread only
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Batch queue_;
    bool stopping_ = false;
    bool paused_ = false;
    std::uint64_t commits_ = 0;
    std::thread thread_;
};

}  // namespace skill::stub
