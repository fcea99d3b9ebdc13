#pragma once
// A thin RAII layer over the SQLite C API: errors become exceptions, handles
// are closed exactly once. Not thread-safe: one thread owns a Database.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace skill::stub {

class SqliteError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Database {
  public:
    /// Opens (creates) the file in serialized-by-owner mode (SQLITE_OPEN_NOMUTEX).
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const std::string& sql);
    sqlite3* handle() const noexcept { return db_; }
    /// Whether a transaction is open (SQLite may roll one back by itself on an error).
    bool in_transaction() const noexcept;
    /// The rowid of the last successful INSERT on this connection.
    std::int64_t last_insert_rowid() const noexcept;

  private:
    sqlite3* db_ = nullptr;
};

class Statement {
  public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Reset and clear bindings (see Query).
    void reset() noexcept;
    /// Binds without a copy: `text` must stay valid until the statement is reset
    /// (Query's end); every use binds all of its parameters again.
    void bind(int index, std::string_view text);
    void bind(int index, std::int64_t value);
    /// true: a row is ready; false: done. Throws SqliteError.
    bool step();
    /// Steps a statement that returns no rows (BEGIN, COMMIT, ...) and resets it.
    void run();
    std::string_view text(int column) const;
    std::int64_t integer(int column) const;

  private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// One use of a prepared statement: resets it on exit, so no statement stays
/// active (holding a read) past the operation that used it, and every use
/// starts from a reset statement (all uses go through a Query).
class Query {
  public:
    explicit Query(Statement& s) noexcept : s_(s) {}
    ~Query() { s_.reset(); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    Statement* operator->() noexcept { return &s_; }

  private:
    Statement& s_;
};

}  // namespace skill::stub
