#pragma once
// The SQL of the `entries` table: one row per (user, skill), data as JSON
// text. Runs on the store's DB thread only; transactions are the caller's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sqlite.hpp"
#include "store.hpp"

namespace skill::stub {

class EntryTable {
  public:
    /// Opens the file, sets WAL + synchronous=FULL (an acknowledged commit
    /// survives kill -9 and power loss) and creates the table if missing.
    explicit EntryTable(const std::string& path);

    Database& db() noexcept { return db_; }

    /// Run one operation inside the caller's transaction. Throws SqliteError
    /// or StoreError (e.g. stored text that is not a JSON object). A set's
    /// serialised data moves into the result.
    ///
    /// Every operation runs at most ONE writing statement, as its last step
    /// (nothing after it can throw): a failed operation has then changed nothing
    /// once SQLite has undone the failed statement, so the store needs no
    /// savepoint per operation. An operation with two writes would need one.
    StoreResult apply(Operation& op);

  private:
    StoreResult get(const Operation& op);
    StoreResult get_all(const Operation& op);
    StoreResult set(Operation& op);
    StoreResult merge(Operation& op);
    StoreResult remove(const Operation& op);
    std::optional<std::int64_t> find_id(const Operation& op);
    /// Writes a set's data into row `op.known_id` if that row is (user, skill)'s.
    bool update_known(const Operation& op);
    std::int64_t store(const Operation& op, std::optional<std::int64_t> id, std::string_view json);

    Database db_;
    Statement select_;
    Statement select_id_;
    Statement select_all_;
    Statement update_;
    Statement update_known_;
    Statement insert_;
    Statement delete_;
};

}  // namespace skill::stub
