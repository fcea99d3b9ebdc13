#include "backend.hpp"

#include <algorithm>

#include "entry_table.hpp"
#include "pg_entry_table.hpp"

namespace skill::stub {

StoreResult Backend::apply(Operation& op) {
    switch (op.kind) {
        case Operation::Kind::get:
            return get(op);
        case Operation::Kind::get_all:
            return get_all(op);
        case Operation::Kind::set:
            return set(op);
        case Operation::Kind::merge:
            return merge(op);
        case Operation::Kind::remove:
            return remove(op);
    }
    throw StoreError("unknown operation");
}

StoreResult failure(std::string error) {
    StoreResult r;
    r.ok = false;
    r.error = std::move(error);
    return r;
}

/// One operation of a batch: if it fails, the DB is unchanged by it and the rest
/// of the batch still commits. That needs no savepoint (SAVEPOINT + RELEASE cost
/// 40 % of a set on SQLite): every operation runs at most one writing statement,
/// as its last step (EntryTable::apply), and the database undoes a failed
/// statement by itself, or else the whole transaction (always so on PostgreSQL),
/// which then fails the whole batch, as it would after a failed ROLLBACK TO.
StoreResult apply_isolated(Backend& backend, Operation& op) {
    try {
        return backend.apply(op);
    } catch (const std::exception& e) {
        return failure(e.what());
    }
}

void Backend::run_batch(Store::BatchView batch, bool writes) {
    begin(writes);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch.starting(i);
        StoreResult& result = batch.result(i);
        result = apply_isolated(*this, batch.op(i));
        // The database rolled the whole transaction back: the operations after this
        // one would run (and commit) one by one. Fail the batch instead.
        if (!result.ok && !usable())
            throw StoreError("the transaction was rolled back: " + result.error);
    }
    commit();
}

bool is_postgres_uri(const std::string& where) {
    return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

std::string loggable_database(const std::string& where) {
    if (!is_postgres_uri(where)) return where;
    std::string out = where;
    // userinfo: scheme://user:password@host/... The last '@' before the path ends
    // it, so a password holding a raw '@' is hidden whole too.
    const auto authority = out.find("://") + 3;
    const auto path = std::min(out.find_first_of("/?", authority), out.size());
    const auto at = out.rfind('@', path);
    if (at != std::string::npos && at >= authority) {
        const auto colon = out.find(':', authority);
        if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // password=... among the query parameters (name=value pairs after '?', split by '&').
    const auto query = out.find('?');
    if (query == std::string::npos) return out;
    for (auto param = query + 1; param < out.size();) {
        auto stop = std::min(out.find('&', param), out.size());
        if (out.compare(param, 9, "password=") == 0) {
            out.replace(param + 9, stop - param - 9, "***");
            stop = param + 9 + 3;
        }
        param = stop + 1;
    }
    return out;
}

std::unique_ptr<Backend> open_backend(const std::string& where) {
    try {
        if (is_postgres_uri(where)) return std::make_unique<PgEntryTable>(where);
        return std::make_unique<EntryTable>(where);
    } catch (const SqliteError& e) {
        throw StoreError(e.what());
    } catch (const PgError& e) {
        throw StoreError(e.what());
    }
}

}  // namespace skill::stub
