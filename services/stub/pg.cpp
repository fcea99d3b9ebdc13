#include "pg.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <vector>

namespace skill::stub {
namespace {

/// A statement's parameters as libpq takes them: text values sent as bytes
/// (binary format), so they need no NUL terminator.
struct Parameters {
    static constexpr std::size_t max = 8;
    const char* values[max] = {};
    int lengths[max] = {};
    int formats[max] = {};
    int count = 0;

    explicit Parameters(std::initializer_list<std::string_view> parameters) {
        if (parameters.size() > max) throw PgError("too many parameters");
        for (const std::string_view p : parameters) {
            if (p.find('\0') != std::string_view::npos)
                throw PgError("a NUL byte cannot be stored in a text column");
            values[count] = p.data();
            lengths[count] = static_cast<int>(p.size());
            formats[count] = 1;  // binary: a text value's bytes as they are
            ++count;
        }
    }
};

std::string trimmed_message(const char* message) {
    std::string m = message ? message : "";
    while (!m.empty() && m.back() == '\n') m.pop_back();
    return m;
}

}  // namespace

void PgResult::Free::operator()(pg_result* r) const noexcept {
    PQclear(r);
}

PgResult::PgResult(pg_result* result) noexcept : result_(result) {}

int PgResult::rows() const noexcept {
    return PQntuples(result_.get());
}

std::string_view PgResult::text(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t PgResult::integer(int row, int column) const {
    const std::string_view t = text(row, column);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc{} || end != t.data() + t.size())
        throw PgError("not an integer: " + std::string(t.substr(0, 32)));
    return value;
}

std::int64_t PgResult::affected() const noexcept {
    const char* n = PQcmdTuples(result_.get());
    std::int64_t value = 0;
    std::from_chars(n, n + std::char_traits<char>::length(n), value);
    return value;
}

PgConnection::PgConnection(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (!conn_) throw PgError("cannot connect to PostgreSQL: out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn_);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        PQfinish(conn_);
        conn_ = nullptr;
        throw PgError("cannot connect to PostgreSQL: " + message);
    }
    // Server NOTICEs ("relation already exists, skipping") would go to stderr
    // unformatted, past the JSON log.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
    PQfinish(conn_);
}

PgResult PgConnection::checked(pg_result* raw, std::string_view what) {
    PgResult result(raw);
    const auto status = PQresultStatus(raw);
    if (raw && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
        last_sqlstate_.clear();
        return result;
    }
    std::string message = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    last_sqlstate_ = state ? state : "";
    throw PgError(std::string(what) + ": " + message, last_sqlstate_);
}

PgResult PgConnection::exec(const char* sql) {
    return checked(PQexec(conn_, sql), sql);
}

void PgConnection::prepare(const char* name, const char* sql, int parameters) {
    const std::vector<unsigned> types(static_cast<std::size_t>(parameters), 25);  // text
    checked(PQprepare(conn_, name, sql, parameters, types.data()), name);
}

PgResult PgConnection::run(const char* name, std::initializer_list<std::string_view> parameters) {
    const Parameters p(parameters);
    return checked(PQexecPrepared(conn_, name, p.count, p.values, p.lengths, p.formats, 0), name);
}

void PgConnection::lost(std::string_view what) {
    broken_ = true;
    last_sqlstate_.clear();  // not a statement's failure: nothing to retry on
    const std::string message = trimmed_message(PQerrorMessage(conn_));
    throw PgError(std::string(what) + ": pipeline out of step with the server" +
                  (message.empty() ? "" : ": " + message));
}

void PgConnection::enter_pipeline() {
    if (PQenterPipelineMode(conn_) != 1) lost("enter pipeline mode");
}

void PgConnection::send(const char* name, std::initializer_list<std::string_view> parameters) {
    const Parameters p(parameters);  // may refuse the values: nothing sent, the pipeline intact
    if (PQsendQueryPrepared(conn_, name, p.count, p.values, p.lengths, p.formats, 0) != 1)
        broken_ = true;  // maybe half queued: sync() fails the whole pipeline
}

void PgConnection::send(const char* sql) {
    if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
        broken_ = true;
}

void PgConnection::sync() {
    if (broken_ || PQpipelineSync(conn_) != 1) lost("pipeline sync");
}

PgResult PgConnection::result(std::string_view what) {
    pg_result* raw = PQgetResult(conn_);
    if (!raw) lost(what);  // each statement has a result before its closing null
    const auto status = PQresultStatus(raw);
    pg_result* more = status == PGRES_PIPELINE_SYNC ? nullptr : PQgetResult(conn_);
    if (status == PGRES_PIPELINE_SYNC || more) {  // out of step with what was sent
        PQclear(more);
        PQclear(raw);
        lost(what);
    }
    if (status == PGRES_PIPELINE_ABORTED) {
        PQclear(raw);
        // Keeps the SQLSTATE of the statement that failed first (may_retry()).
        throw PgError(std::string(what) + ": skipped after an earlier failure", last_sqlstate_);
    }
    return checked(raw, what);
}

void PgConnection::exit_pipeline() {
    pg_result* raw = PQgetResult(conn_);
    const bool synced = raw && PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
    PQclear(raw);
    if (!synced || PQexitPipelineMode(conn_) != 1) lost("pipeline sync");
}

void PgConnection::abandon_pipeline() noexcept {
    // Each statement's results end with a null, the sync point's with its own
    // result; two nulls in a row: nothing more is coming.
    int nulls = 0;
    while (!broken_ && PQstatus(conn_) == CONNECTION_OK && nulls < 2) {
        if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF || PQexitPipelineMode(conn_) == 1) return;
        pg_result* raw = PQgetResult(conn_);
        nulls = raw ? 0 : nulls + 1;
        PQclear(raw);
    }
    broken_ = true;
}

bool PgConnection::healthy() const noexcept {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK &&
           PQpipelineStatus(conn_) == PQ_PIPELINE_OFF &&
           PQtransactionStatus(conn_) != PQTRANS_INERROR;
}

bool PgConnection::in_transaction() const noexcept {
    return !broken_ && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_INTRANS;
}

bool PgConnection::reset() noexcept {
    PQreset(conn_);  // a new session: out of pipeline mode, no transaction
    broken_ = false;
    return PQstatus(conn_) == CONNECTION_OK;
}

}  // namespace skill::stub
