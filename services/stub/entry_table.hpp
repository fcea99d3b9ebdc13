#pragma once
// The SQL of the `entries` table: one row per (user, skill), data as JSON
// text. Runs on the store's DB thread only; transactions are the caller's.
#include <string>

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
    /// or StoreError (e.g. stored text that is not a JSON object).
    StoreResult apply(const Operation& op);

  private:
    StoreResult get(const Operation& op);
    StoreResult get_all(const Operation& op);
    StoreResult set(const Operation& op, boost::json::object data);
    StoreResult merge(const Operation& op);
    StoreResult remove(const Operation& op);

    Database db_;
    Statement select_;
    Statement select_all_;
    Statement upsert_;
    Statement delete_;
};

}  // namespace skill::stub
