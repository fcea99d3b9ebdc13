#include "backend.hpp"

#include "entry_table.hpp"
#include "pg_entry_table.hpp"

namespace skill::stub {

bool is_postgres_uri(const std::string& where) {
    return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

std::string loggable_database(const std::string& where) {
    if (!is_postgres_uri(where)) return where;
    std::string out = where;
    // userinfo: scheme://user:password@host — the password ends at the last '@'
    // before the path (a password may itself hold '@' only percent-encoded).
    const auto authority = out.find("://") + 3;
    const auto end = out.find_first_of("/?", authority);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= authority) {
        const auto colon = out.find(':', authority);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // password=... among the query parameters.
    for (auto p = out.find("password=", out.find('?'));
         p != std::string::npos && out.find('?') != std::string::npos;
         p = out.find("password=", p + 1)) {
        if (p == 0 || (out[p - 1] != '?' && out[p - 1] != '&')) continue;
        const auto value = p + 9;
        const auto stop = out.find('&', value);
        out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
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
