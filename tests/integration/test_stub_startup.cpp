// The persistence-stub executable's start-up rules for secrets and unverified mode
// (docs/persistence-stub.md, Identity): a set-but-empty secret is an error, and
// unverified tokens are trusted on a loopback address only, unless asked for.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "stub_database.hpp"
#include "stub_server.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

using skill::test::ChildProcess;
using skill::test::TempDir;

namespace {

std::vector<std::string> stub_args(const TempDir& dir, std::vector<std::string> flags) {
    std::vector<std::string> argv = {skill::test::built_binary("services/persistence-stub"),
                                     "--port", "0", "--db", dir.file("stub.db")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return argv;
}

/// Runs the stub, expecting it to refuse to start: returns its exit code; `out` gets its stderr.
int refused(const std::vector<std::string>& argv, std::string& out,
            std::map<std::string, std::string> env = {}) {
    ChildProcess stub(argv, std::move(env));
    const int code = stub.wait();
    out = stub.output();
    return code;
}

/// Starts the stub, which must get to "listening"; stops it with SIGTERM. Returns its log.
std::string started(const std::vector<std::string>& argv) {
    ChildProcess stub(argv, {{"LOG_FORMAT", "json"}});
    stub.wait_for_port();
    stub.signal(SIGTERM);
    CHECK(stub.wait() == 0);
    return stub.output();
}

}  // namespace

TEST_CASE("a set but empty PERSISTENCE_STUB_JWT_SECRET is a start-up error", "[stub][startup]") {
    TempDir dir;
    std::string out;
    CHECK(refused(stub_args(dir, {}), out, {{"PERSISTENCE_STUB_JWT_SECRET", ""}}) == 2);
    CHECK(out.find("PERSISTENCE_STUB_JWT_SECRET is set but empty") != std::string::npos);
    CHECK(out.find("listening") == std::string::npos);
    // Also on 0.0.0.0, where the old stub silently went unverified.
    CHECK(refused(stub_args(dir, {"--host", "0.0.0.0"}), out,
                  {{"PERSISTENCE_STUB_JWT_SECRET", ""}}) == 2);
    // And for --dev-token, which would sign with the empty secret.
    ChildProcess dev(
        {skill::test::built_binary("services/persistence-stub"), "--dev-token", "a", "b"},
        {{"PERSISTENCE_STUB_JWT_SECRET", ""}});
    CHECK(dev.wait() == 2);
}

TEST_CASE("an empty --jwt-secret is a start-up error", "[stub][startup]") {
    TempDir dir;
    std::string out;
    CHECK(refused(stub_args(dir, {"--jwt-secret", ""}), out) == 2);
    CHECK(out.find("--jwt-secret is empty") != std::string::npos);
}

TEST_CASE("unverified mode off loopback needs --insecure-unverified", "[stub][startup]") {
    TempDir dir;
    std::string out;
    for (const char* host : {"0.0.0.0", "::"}) {
        CHECK(refused(stub_args(dir, {"--host", host}), out) == 2);
        CHECK(out.find("--insecure-unverified") != std::string::npos);
        CHECK(out.find("listening") == std::string::npos);
    }
    const std::string log = started(stub_args(dir, {"--host", "0.0.0.0", "--insecure-unverified"}));
    CHECK(log.find(R"("tokens":"UNVERIFIED")") != std::string::npos);
    CHECK(log.find(R"("insecure_unverified":true)") != std::string::npos);
    CHECK(log.find("JWT signatures are not verified") != std::string::npos);
}

TEST_CASE("loopback may run unverified (with a warning); a secret works anywhere",
          "[stub][startup]") {
    TempDir dir;
    const std::string loopback = started(stub_args(dir, {"--host", "127.0.0.1"}));
    CHECK(loopback.find(R"("tokens":"UNVERIFIED")") != std::string::npos);
    CHECK(loopback.find(R"("level":"WARN")") != std::string::npos);
    const std::string secret =
        started(stub_args(dir, {"--host", "0.0.0.0", "--jwt-secret", "s3cret"}));
    CHECK(secret.find(R"("tokens":"HS256 verified")") != std::string::npos);
    CHECK(secret.find("s3cret") == std::string::npos);  // the secret is never logged
}

TEST_CASE("StubServer refuses the same configurations in process", "[stub][startup]") {
    using namespace skill::stub;
    TempDir dir;
    StubOptions options;
    options.port = 0;
    options.db_path = dir.file("stub.db");
    options.jwt_secret = "";
    CHECK_THROWS_AS(StubServer(options), std::invalid_argument);
    options.jwt_secret.reset();
    options.host = "0.0.0.0";
    CHECK_THROWS_AS(StubServer(options), std::invalid_argument);
    options.insecure_unverified = true;
    CHECK_NOTHROW(StubServer(options));
    options.insecure_unverified = false;
    options.jwt_secret = "s";
    CHECK_NOTHROW(StubServer(options));
}

TEST_CASE("is_loopback knows the loopback addresses", "[stub][startup]") {
    using skill::stub::is_loopback;
    for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
        INFO(host);
        CHECK(is_loopback(host));
    }
    for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.1", "::ffff:10.0.0.1",
                             "localhost", "", "127.0.0.1 "}) {
        INFO(host);
        CHECK_FALSE(is_loopback(host));
    }
}

TEST_CASE("--db postgresql://: an unreachable server is a start-up failure that hides the password",
          "[stub][startup]") {
    TempDir dir;
    std::string out;
    const std::string uri =
        "postgresql://stub:pw-s3cret@/db?host=" + dir.file("no-server") + "&connect_timeout=2";
    CHECK(refused(
              {skill::test::built_binary("services/persistence-stub"), "--port", "0", "--db", uri},
              out) == 1);
    CHECK(out.find("cannot start") != std::string::npos);
    CHECK(out.find("PostgreSQL") != std::string::npos);
    CHECK(out.find("pw-s3cret") == std::string::npos);
    // Not a file path: nothing was created for it.
    CHECK_FALSE(std::filesystem::exists("postgresql:"));
}

TEST_CASE("--db postgresql://: the listening line shows the URI without its password",
          "[stub][startup]") {
    if (!skill::test::stub_on_postgres()) {
        WARN("PostgreSQL only: run as test_stub_startup_pg");
        return;
    }
    TempDir dir;
    std::string uri = skill::test::stub_database(dir);
    uri.insert(uri.find("://") + 3 + std::string("stub").size(),
               ":pw-s3cret");  // trust auth ignores it
    const std::string log = started(
        {skill::test::built_binary("services/persistence-stub"), "--port", "0", "--db", uri});
    CHECK(log.find("stub:***@") != std::string::npos);
    CHECK(log.find("pw-s3cret") == std::string::npos);
}

TEST_CASE("a SQLite file serves one stub: a second one on it fails and says why",
          "[stub][startup]") {
    TempDir dir;
    ChildProcess first(stub_args(dir, {}), {{"LOG_FORMAT", "json"}});
    const std::uint16_t port = first.wait_for_port();
    std::string out;
    CHECK(refused(stub_args(dir, {}), out, {{"LOG_FORMAT", "json"}}) == 1);  // after the 5 s wait
    CHECK(out.find("database is locked") != std::string::npos);
    CHECK(out.find("another process has the file open") != std::string::npos);
    CHECK(out.find("listening") == std::string::npos);
    // The first one was not disturbed, and the file is free again once it has stopped.
    CHECK(skill::test::http_request(port, "GET", "/k8s/readiness").status == 200);
    first.signal(SIGTERM);
    CHECK(first.wait() == 0);
    CHECK(started(stub_args(dir, {})).find("listening") != std::string::npos);
}
