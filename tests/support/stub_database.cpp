#include "stub_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace skill::test {
namespace {

/// The cluster's admin URI from the file pg_cluster.sh wrote; exits 77 without it.
const std::string& cluster_uri() {
    static const std::string uri = [] {
        const char* file = std::getenv("STUB_TEST_PG_URI_FILE");
        std::ifstream in(file ? file : "");
        std::string line;
        if (!in || !std::getline(in, line) || line.empty()) {
            std::fprintf(stderr,
                         "SKIPPED: no PostgreSQL test cluster (%s missing: the PostgreSQL "
                         "binaries are not installed, see tests/support/pg_cluster.sh)\n",
                         file ? file : "STUB_TEST_PG_URI_FILE unset");
            std::_Exit(77);
        }
        return line;
    }();
    return uri;
}

/// `uri` with its database name replaced by `db` (URIs of the form
/// postgresql://[user@]/<db>?host=...: the path is the database).
std::string with_database(const std::string& uri, const std::string& db) {
    const auto scheme = uri.find("://");
    const auto slash = uri.find('/', scheme + 3);
    const auto query = uri.find('?', slash);
    return uri.substr(0, slash + 1) + db + (query == std::string::npos ? "" : uri.substr(query));
}

}  // namespace

bool stub_on_postgres() {
    return std::getenv("STUB_TEST_PG_URI_FILE") != nullptr;
}

std::string stub_database(const TempDir& dir, const std::string& name) {
    if (!stub_on_postgres()) return dir.file(name);
    static std::atomic<int> counter{0};
    std::string db = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_";
    for (char c : name) db += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(cluster_uri().c_str()),
                                                      &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("test cluster: ") + PQerrorMessage(conn.get()));
    // The name is made of [A-Za-z0-9_] above: safe to write into the statement.
    std::unique_ptr<PGresult, decltype(&PQclear)> res(
        PQexec(conn.get(), ("CREATE DATABASE " + db).c_str()), &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error(std::string("CREATE DATABASE: ") + PQerrorMessage(conn.get()));
    return with_database(cluster_uri(), db);
}

}  // namespace skill::test
