#pragma once
// A thin RAII layer over libpq: errors become exceptions (with their SQLSTATE),
// results are freed exactly once, parameters are always sent out of line
// (PQexecPrepared), never spliced into SQL text. Not thread-safe: one thread
// owns a PgConnection.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

struct pg_conn;
struct pg_result;

namespace skill::stub {

class PgError : public std::runtime_error {
  public:
    PgError(const std::string& what, std::string sqlstate = {})
        : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
    /// The five-character SQLSTATE of a server error ("40P01": deadlock), or empty.
    const std::string& sqlstate() const noexcept { return sqlstate_; }

  private:
    std::string sqlstate_;
};

class PgResult {
  public:
    explicit PgResult(pg_result* result) noexcept;
    int rows() const noexcept;
    std::string_view text(int row, int column) const noexcept;
    std::int64_t integer(int row, int column) const;
    bool boolean(int row, int column) const noexcept { return text(row, column) == "t"; }
    /// Rows an INSERT/UPDATE/DELETE changed.
    std::int64_t affected() const noexcept;

  private:
    struct Free {
        void operator()(pg_result* r) const noexcept;
    };
    std::unique_ptr<pg_result, Free> result_;
};

class PgConnection {
  public:
    /// Connects with a libpq connection string or URI. Throws PgError; its
    /// message never repeats the URI (it may hold a password).
    explicit PgConnection(const std::string& uri);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    /// Runs SQL text without parameters (schema, BEGIN, COMMIT).
    PgResult exec(const char* sql);
    /// Prepares `sql` as `name`; its `$n` parameters are all text.
    void prepare(const char* name, const char* sql, int parameters);
    /// Runs prepared statement `name` with text parameters (sent as bytes, so
    /// they need no NUL terminator; a NUL byte inside one is refused: text cannot
    /// hold it).
    PgResult run(const char* name, std::initializer_list<std::string_view> parameters);

    /// Whether the connection is up and no transaction is aborted.
    bool healthy() const noexcept;
    /// Whether a transaction is open and not aborted.
    bool in_transaction() const noexcept;
    /// Reconnects after a broken connection (prepared statements are gone: prepare again).
    bool reset() noexcept;

  private:
    PgResult checked(pg_result* result, std::string_view what);
    pg_conn* conn_ = nullptr;
};

}  // namespace skill::stub
