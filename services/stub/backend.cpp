#include "backend.hpp"

#include "entry_table.hpp"

namespace skill::stub {

bool is_postgres_uri(const std::string& where) {
    return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

std::unique_ptr<Backend> open_backend(const std::string& where) {
    if (is_postgres_uri(where)) throw StoreError("PostgreSQL is not supported by this build");
    try {
        return std::make_unique<EntryTable>(where);
    } catch (const SqliteError& e) {
        throw StoreError(e.what());
    }
}

}  // namespace skill::stub
