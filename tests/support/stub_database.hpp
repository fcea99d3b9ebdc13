#pragma once
// Where a stub test keeps its data: a SQLite file in the test's temp directory,
// or, when the test runs as the PostgreSQL variant (ctest `*_pg`, env
// STUB_TEST_PG_URI_FILE naming the file tests/support/pg_cluster.sh wrote), a
// fresh database in that cluster. One suite, both backends.
#include <string>

#include "temp_dir.hpp"

namespace skill::test {

/// Whether this run is the PostgreSQL variant.
bool stub_on_postgres();

/// A fresh, empty database for a test: `dir/name` (SQLite) or the URI of a new
/// PostgreSQL database (named after `name`, unique per call). When the variant is
/// PostgreSQL but the cluster is not running, the process exits 77 (ctest: skipped)
/// with the reason on stderr.
std::string stub_database(const TempDir& dir, const std::string& name = "stub.db");

}  // namespace skill::test
