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
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

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
    Kind kind = Kind::get;
    std::string user;
    std::string skill;
    boost::json::object data;  // set / merge only
};

struct StoreResult {
    bool ok = true;       // false: this operation failed (see `error`); the DB is unchanged by it
    std::string error;    // for the log, never sent to a client
    bool found = false;   // get: an entry existed; remove: a row was deleted
    std::int64_t id = 0;  // get / set / merge: the entry's id
    boost::json::object data;  // get / set / merge: the entry's data now; get_all: skill -> data
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

    /// A queued operation with its type-erased completion handler.
    struct Waiter;
    struct Pending;
    using Batch = std::deque<std::unique_ptr<Pending>>;

  private:
    void enqueue(std::unique_ptr<Pending> pending);
    void run();
    void execute(Batch& batch);

    std::unique_ptr<EntryTable> table_;  // used by the DB thread only
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Batch queue_;
    bool stopping_ = false;
    bool paused_ = false;
    std::uint64_t commits_ = 0;
    std::thread thread_;
};

}  // namespace skill::stub
