#pragma once
// What the Store's DB thread needs of a database: one transaction per batch of
// queued operations, each operation applied inside it. Two implementations:
// EntryTable (one SQLite file, owned by this process) and PgEntryTable
// (PostgreSQL, shared by any number of stub processes, which sends a batch's
// statements in one pipeline: run_batch()).
#include <memory>
#include <string>

#include "store.hpp"

namespace skill::stub {

class Backend {
  public:
    virtual ~Backend() = default;

    /// Runs a whole batch: opens its transaction (`writes`: the batch holds a
    /// write), applies every operation in order, each answer into
    /// batch.result(i), and commits: returns once the batch is durable. An
    /// operation that fails alone (its result says so) has changed nothing and
    /// the others commit. Throws when the transaction is lost: then nothing of
    /// the batch is visible, and rollback() follows. The default: begin(),
    /// apply() each operation (one round trip each, on a server), commit().
    virtual void run_batch(Store::BatchView batch, bool writes);

    /// Opens the batch's transaction; `writes`: the batch holds a write.
    virtual void begin(bool writes) = 0;
    /// Runs one operation inside it (one of the functions below, by its kind).
    /// Throws on failure; the operation has then changed nothing, or usable() is
    /// false and the whole transaction is lost. A failed precondition is no
    /// failure: the result says `precondition_failed`.
    StoreResult apply(Operation& op);
    /// Whether the transaction is still open and may commit.
    virtual bool usable() const = 0;
    /// Commits: returns once the batch is durable.
    virtual void commit() = 0;
    /// Undoes whatever the open transaction did (none open: nothing).
    virtual void rollback() noexcept = 0;
    /// After a failure: the transaction was rolled back whole, nothing of it is
    /// visible, and running the same operations again may succeed (PostgreSQL
    /// chose it as a deadlock's victim, or a serialization failure).
    virtual bool may_retry() const noexcept { return false; }
    /// true: other processes may write the same data, so nothing read or written
    /// may be served later from a per-process cache.
    virtual bool shared() const noexcept = 0;

  protected:
    virtual StoreResult get(const Operation& op) = 0;
    /// Every entry of op.user: {"<skill>": {...}, ...}.
    virtual StoreResult get_all(const Operation& op) = 0;
    /// May move op.json into the result only where no batch is ever run again.
    virtual StoreResult set(Operation& op) = 0;
    virtual StoreResult merge(Operation& op) = 0;
    virtual StoreResult remove(const Operation& op) = 0;
};

/// An operation's answer when it failed (`ok` false, `error` for the log).
StoreResult failure(std::string error);

/// One operation of a batch, its failure caught into its answer (see
/// Backend::run_batch()).
StoreResult apply_isolated(Backend& backend, Operation& op);

/// `where` is a libpq URI (postgresql://… or postgres://…): PostgreSQL; anything
/// else is the path of a SQLite file. Throws StoreError when it cannot be opened.
std::unique_ptr<Backend> open_backend(const std::string& where);

/// Whether `where` names a PostgreSQL database rather than a SQLite file.
bool is_postgres_uri(const std::string& where);

/// `where` as logs may show it: a URI's password (`user:secret@`, `password=`)
/// replaced by `***`. A file path as it is.
std::string loggable_database(const std::string& where);

}  // namespace skill::stub
