#pragma once
// The SQLite backend: the `entries` table, one row per (user, skill), data as
// JSON text with its version, and the store-wide version counter. Runs on the
// store's DB thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backend.hpp"
#include "sqlite.hpp"
#include "store.hpp"

namespace skill::stub {

class EntryTable final : public Backend {
  public:
    /// Opens the file, sets WAL + synchronous=FULL (an acknowledged commit
    /// survives kill -9 and power loss) and creates the tables if missing (a
    /// file of an older stub gets its `version` column, every row at 1).
    explicit EntryTable(const std::string& path);

    Database& db() noexcept { return db_; }

    void begin(bool writes) override;
    /// Run one operation inside the caller's transaction. Throws SqliteError
    /// or StoreError (e.g. stored text that is not a JSON object). A set's
    /// serialised data moves into the result.
    ///
    /// Every operation runs at most ONE writing statement, as its last step
    /// (nothing after it can throw): a failed operation has then changed nothing
    /// once SQLite has undone the failed statement, so the store needs no
    /// savepoint per operation. An operation with two writes would need one.
    StoreResult apply(Operation& op) override;
    bool usable() const override { return db_.in_transaction(); }
    /// Saves the version counter (when a write used it), then commits.
    void commit() override;
    void rollback() noexcept override;
    bool shared() const noexcept override { return false; }

  private:
    struct Row {
        std::int64_t id = 0;
        std::int64_t version = 0;
    };

    StoreResult get(const Operation& op);
    StoreResult get_all(const Operation& op);
    StoreResult set(Operation& op);
    StoreResult merge(Operation& op);
    StoreResult remove(const Operation& op);
    std::optional<Row> find(const Operation& op);
    /// Writes a set's data into row `op.known_id` if that row is (user, skill)'s.
    bool update_known(const Operation& op, std::int64_t version);
    std::int64_t store(const Operation& op, std::optional<Row> row, std::string_view json,
                       std::int64_t version);
    /// The next version: one counter for the whole file, so a key's versions keep
    /// rising across a delete and a new insert (no ABA for If-Match).
    std::int64_t next_version() noexcept;

    Database db_;
    Statement select_;
    Statement select_id_;
    Statement select_all_;
    Statement update_;
    Statement update_known_;
    Statement insert_;
    Statement delete_;
    Statement delete_id_;
    Statement save_version_;
    Statement begin_;       // BEGIN IMMEDIATE
    Statement begin_read_;  // a batch of reads only: no write lock to take
    Statement commit_;
    Statement rollback_;
    std::int64_t last_version_ = 0;   // the highest version handed out
    std::int64_t saved_version_ = 0;  // the highest version in the file's counter
};

}  // namespace skill::stub
