#pragma once
// The stub's storage: one row per (user, skill) holding the skill's JSON object
// and its version, in a SQLite file or a PostgreSQL database (backend.hpp).
// Database calls block, so a dedicated DB thread owns the connection and works a queue; callers are
// coroutines that suspend until their operation is committed (group commit: every operation queued
// at the time runs inside ONE transaction, so many writers share one fsync).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "precondition.hpp"

namespace skill::stub {

class Backend;

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
    // set: the entry's id as the caller's read cache had it, 0 when unknown. Only a
    // hint: the DB thread writes through it only if that row is still (user, skill)'s.
    std::int64_t known_id = 0;
    // set / merge / remove: what the entry's version must be for the write to happen
    // (checked in the write's transaction; not met: `precondition_failed`, nothing written).
    Precondition condition;
};

struct StoreResult {
    bool ok = true;       // false: this operation failed (see `error`); the DB is unchanged by it
    std::string error;    // for the log, never sent to a client
    bool busy = false;    // refused unqueued: the write queue was full (ok is false too)
    bool found = false;   // get: an entry existed; remove: a row was deleted
    std::int64_t id = 0;  // get / set / merge: the entry's id
    // get / set / merge: the entry's version now (> 0, strictly increasing over every
    // write of the key, across deletes); a failed precondition: the current one, if any.
    std::int64_t version = 0;
    // A write's precondition did not hold: nothing was written; `found` and `version`
    // tell the entry's current state (not `data`).
    bool precondition_failed = false;
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
    /// Open the database (open_backend(): a SQLite file path or a postgresql:// URI),
    /// apply the schema, start the DB thread. Throws StoreError when it cannot be opened.
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

    /// A get of (user, skill) answered on the calling thread, without the DB thread:
    /// from this thread's cache of entries it read or wrote through this store, when
    /// no write to that entry has started since (then it is the committed entry every
    /// acknowledged write left). Nothing: not cached or maybe stale, submit() a get.
    /// Never blocks. The cache is bounded (read_cache_entries per thread, entries of
    /// up to read_cache_max_bytes). Writes by other processes to the file are not
    /// seen here: the stub owns its SQLite file while it runs. On a shared database
    /// (PostgreSQL) there is no cache: always nothing.
    std::optional<StoreResult> read_cached(std::string_view user, std::string_view skill) const;
    static constexpr std::size_t read_cache_entries = 256;
    static constexpr std::size_t read_cache_max_bytes = 4096;

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

    /// One batch's operations, in queue order, as Backend::run_batch() runs them.
    class BatchView {
      public:
        std::size_t size() const noexcept { return batch_->size(); }
        Operation& op(std::size_t i) const noexcept;
        StoreResult& result(std::size_t i) const noexcept;
        /// To call right before operation `i` reaches the database: from then on a
        /// write makes every read cache take its key's entry as stale.
        void starting(std::size_t i) const noexcept;

      private:
        friend class Store;
        BatchView(const Store& store, Batch& batch) noexcept : store_(&store), batch_(&batch) {}
        const Store* store_;
        Batch* batch_;
    };

  private:
    void enqueue(std::unique_ptr<Pending> pending);
    /// Gives the batch's write bytes back to the bound; logs refusals since the last time.
    void release(const Batch& batch);
    void run();
    void execute(Batch& batch);
    /// On the DB thread, before `pending` runs: its key's version (a write bumps it).
    void stamp(Pending& pending) const noexcept;
    /// Hands each result to its coroutine: one post per I/O thread, not one per operation.
    static void complete(Batch& batch);

    /// Counts writes started per stripe of (user, skill) keys: written by the DB thread
    /// before it applies a write, read by read_cached() to tell a current entry.
    std::atomic<std::uint64_t>& version_of(std::size_t key_hash) const noexcept;

    const std::uint64_t id_;  // tells this store's entries in a thread's cache from another's
    std::unique_ptr<std::atomic<std::uint64_t>[]> versions_;
    std::unique_ptr<Backend> backend_;  // used by the DB thread only
    bool cached_ = true;                // no other process writes the database
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
