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
#include <vector>

#include "backend.hpp"
#include "pg.hpp"

namespace skill::stub {

class PgEntryTable final : public Backend {
  public:
    /// Connects (`uri`: a libpq URI), creates the schema if missing (serialised with a
    /// transaction-scoped advisory lock, so replicas starting together do not race)
    /// and prepares the statements. Throws PgError.
    explicit PgEntryTable(const std::string& uri);

    /// A batch of writes without merges goes out as one pipeline: BEGIN, each
    /// operation's one statement, COMMIT, a sync point; then the answers are read
    /// in order: one round trip instead of one per statement. Other batches run
    /// statement by statement (Backend::run_batch()); so do all with the
    /// environment variable STUB_PG_PIPELINE=off (for comparisons).
    void run_batch(Store::BatchView batch, bool writes) override;

    /// A batch with a write opens a transaction (committed with the server's
    /// synchronous_commit: on, by default, the commit returns once the WAL is
    /// flushed); a batch of reads runs without one.
    void begin(bool writes) override;
    bool usable() const override;
    void commit() override;
    void rollback() noexcept override;
    bool shared() const noexcept override { return true; }
    /// The last failure was a deadlock (40P01) or serialization failure (40001).
    bool may_retry() const noexcept override;

  private:
    // Never change `op`: a batch chosen as a deadlock's victim runs again.
    StoreResult get(const Operation& op) override;
    StoreResult get_all(const Operation& op) override;
    StoreResult set(Operation& op) override;
    StoreResult merge(Operation& op) override;
    StoreResult remove(const Operation& op) override;

    void prepare();
    /// Connects again if the connection broke or was left in an unknown state.
    void reconnect_if_needed();
    /// Whether run_batch() sends `batch` as one pipeline.
    bool pipelines(const Store::BatchView& batch, bool writes) const noexcept;
    /// The pipeline's two halves: queue each operation's statement (an operation
    /// refused before it is sent fails alone), then read each one's answer.
    void send_all(const Store::BatchView& batch);
    void receive_all(const Store::BatchView& batch);
    /// An operation other than a merge, unpipelined: its one statement and its answer.
    StoreResult one_statement(const Operation& op, std::string data);
    /// A precondition failed: the answer telling the entry's state now.
    StoreResult refused(const Operation& op);

    PgConnection db_;
    bool in_transaction_ = false;
    bool pipeline_ = true;
    // run_batch(): the statement each operation was sent as (null: not sent).
    // Kept across batches, so a batch allocates nothing for it.
    std::vector<const char*> sent_;
};

}  // namespace skill::stub
