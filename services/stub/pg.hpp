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

    // Pipeline mode (libpq 14+): statements are queued without waiting for
    // their results, sync() sends them all, and result() reads their results
    // in the order they were sent: one round trip to the server for all of them.
    // A failed statement makes the server skip the rest up to the sync point.
    // Blocking mode cannot deadlock on a large pipeline: while the socket is
    // full, libpq's sender reads (and buffers) what the server answers.

    /// Enters pipeline mode. Throws PgError.
    void enter_pipeline();
    /// Queues prepared statement `name` (parameters as run() takes them).
    void send(const char* name, std::initializer_list<std::string_view> parameters);
    /// Queues SQL text without parameters (BEGIN, COMMIT).
    void send(const char* sql);
    /// Marks a sync point after the queued statements and sends them all.
    void sync();
    /// The next queued statement's result. Throws PgError as run() does when it
    /// failed, or was skipped after an earlier failure.
    PgResult result(std::string_view what);
    /// Reads the sync point and leaves pipeline mode. Throws PgError.
    void exit_pipeline();
    /// After a failure inside the pipeline: discards the results still due and
    /// leaves pipeline mode; if that fails (the connection broke, the results
    /// came out of order) the connection is marked unhealthy: reset() it.
    void abandon_pipeline() noexcept;

    /// Whether the connection is up, out of pipeline mode, in a known state and no
    /// transaction is aborted.
    bool healthy() const noexcept;
    /// Whether a transaction is open and not aborted.
    bool in_transaction() const noexcept;
    /// The SQLSTATE of the last statement that failed on this connection ("" if none).
    const std::string& last_sqlstate() const noexcept { return last_sqlstate_; }
    /// Reconnects after a broken connection (prepared statements are gone: prepare again).
    bool reset() noexcept;

  private:
    PgResult checked(pg_result* result, std::string_view what);
    /// A pipeline's state is no longer known: throws PgError (`what`: why).
    [[noreturn]] void lost(std::string_view what);
    pg_conn* conn_ = nullptr;
    std::string last_sqlstate_;
    bool broken_ = false;  // state unknown (a pipeline went wrong): reset() before use
};

}  // namespace skill::stub
