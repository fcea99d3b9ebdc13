#include "pg.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <vector>

namespace skill::stub {

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
    if (raw && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return result;
    std::string message = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    throw PgError(std::string(what) + ": " + message, state ? state : "");
}

PgResult PgConnection::exec(const char* sql) {
    return checked(PQexec(conn_, sql), sql);
}

void PgConnection::prepare(const char* name, const char* sql, int parameters) {
    const std::vector<unsigned> types(static_cast<std::size_t>(parameters), 25);  // text
    checked(PQprepare(conn_, name, sql, parameters, types.data()), name);
}

PgResult PgConnection::run(const char* name, std::initializer_list<std::string_view> parameters) {
    constexpr std::size_t max_parameters = 8;
    const char* values[max_parameters];
    int lengths[max_parameters];
    int formats[max_parameters];
    if (parameters.size() > max_parameters) throw PgError("too many parameters");
    int n = 0;
    for (const std::string_view p : parameters) {
        if (p.find('\0') != std::string_view::npos)
            throw PgError("a NUL byte cannot be stored in a text column");
        values[n] = p.data();
        lengths[n] = static_cast<int>(p.size());
        formats[n] = 1;  // binary: a text value's bytes as they are, no terminator needed
        ++n;
    }
    return checked(PQexecPrepared(conn_, name, n, values, lengths, formats, 0), name);
}

bool PgConnection::healthy() const noexcept {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_INERROR;
}

bool PgConnection::in_transaction() const noexcept {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_INTRANS;
}

bool PgConnection::reset() noexcept {
    PQreset(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
}

}  // namespace skill::stub
