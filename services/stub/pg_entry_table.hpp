#pragma once
// The PostgreSQL backend: the same `entries` rows as the SQLite file, in a
// database that several stub processes may share. Every condition and every
// write is decided by PostgreSQL's row locks inside the statement (UPDATE …
// WHERE version = $n, INSERT … ON CONFLICT), never by what this process read
// before, so replicas cannot lose each other's updates. Versions come from the
// sequence `entry_version`. Runs on the store's DB thread only.
#include <cstdint>
#include <optional>
#include <string>

#include "backend.hpp"
#include "pg.hpp"

namespace skill::stub {

class PgEntryTable final : public Backend {
  public:
    /// Connects (`uri`: a libpq URI), creates the schema if missing (serialised
    /// with an advisory lock, so replicas starting together do not race) and
    /// prepares the statements. Throws PgError.
    explicit PgEntryTable(const std::string& uri);

    /// A batch with a write opens a transaction (committed with the server's
    /// synchronous_commit: on, by default, the commit returns once the WAL is
    /// flushed); a batch of reads runs without one.
    void begin(bool writes) override;
    StoreResult apply(Operation& op) override;
    bool usable() const override;
    void commit() override;
    void rollback() noexcept override;
    bool shared() const noexcept override { return true; }
    /// The last failure was a deadlock (40P01) or serialization failure (40001).
    bool may_retry() const noexcept override { return retryable_; }

  private:
    void prepare();
    StoreResult run(Operation& op);
    StoreResult get(const Operation& op);
    StoreResult get_all(const Operation& op);
    StoreResult set(const Operation& op);
    StoreResult merge(const Operation& op);
    StoreResult remove(const Operation& op);
    /// A precondition failed: the answer telling the entry's state now.
    StoreResult refused(const Operation& op);

    PgConnection db_;
    bool in_transaction_ = false;
    bool retryable_ = false;
};

}  // namespace skill::stub
