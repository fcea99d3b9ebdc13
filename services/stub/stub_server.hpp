#pragma once
// The persistence stub: the persistence service's HTTP API (StubApi) served
// by skill::net::HttpServer on a SQLite Store. Used by `persistence-stub` and
// by in-process integration tests.
#include <cstdint>
#include <memory>
#include <optional>
#include <skill/net/http_server.hpp>
#include <string>
#include <string_view>

#include "jwt.hpp"
#include "store.hpp"
#include "stub_api.hpp"

namespace skill::stub {

struct StubOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1555;  // 0 = ephemeral
    std::string db_path = "persistence.db";
    // The API at {base_path}/entry[/data]: "/svh/services/persistence/v1" stands in
    // for the platform host at the seed's URL (docs/persistence-stub.md).
    std::string base_path = "/v1/persistence";
    // None: token claims are read unverified (development only), which needs a loopback
    // `host` or `insecure_unverified`. Set: must not be empty.
    std::optional<std::string> jwt_secret;
    // Read claims unverified even on a non-loopback `host` (--insecure-unverified).
    bool insecure_unverified = false;
    unsigned threads = 1;
    std::size_t max_body_bytes = 1024 * 1024;  // over it: 413
    std::size_t max_connections = 10'000;      // over it: 503
    // Bytes of writes queued but not yet committed; a write over it: 503 (Store::submit).
    std::size_t max_queued_write_bytes = default_max_queued_write_bytes;
    std::optional<net::TlsOptions> tls;  // set: HTTPS only (PEM certificate chain and key)
};

/// Whether `host` is an IP address of this machine's loopback interface
/// (127.0.0.0/8, ::1, ::ffff:127.x.y.z). Names are not resolved: false.
bool is_loopback(std::string_view host);

/// What is wrong with the identity options, or empty: an empty secret (it would
/// mean "no secret", i.e. unverified), or unverified mode on a host other than
/// loopback without `insecure_unverified`.
std::string identity_options_problem(const StubOptions& options);

class StubServer {
  public:
    /// Opens the database (throws StoreError) and loads the TLS files (throws
    /// std::runtime_error naming the file); does not listen yet. Throws
    /// std::invalid_argument when identity_options_problem() names a problem.
    explicit StubServer(StubOptions options);
    /// Drains and waits when started, then finishes the store's queue.
    ~StubServer();
    StubServer(const StubServer&) = delete;
    StubServer& operator=(const StubServer&) = delete;

    /// Bind and serve; returns the bound port. Throws on bind failure.
    std::uint16_t start();
    void drain();
    void wait();
    /// Drain on SIGINT/SIGTERM from now on (before start(): a signal that comes
    /// as soon as the port is open must not kill the process).
    void drain_on_signal();
    /// Serve until SIGINT/SIGTERM, then drain (start() first to learn the port).
    void run_until_signal();

    std::uint16_t port() const noexcept;
    bool checks_signatures() const noexcept { return options_.jwt_secret.has_value(); }
    const StubOptions& options() const noexcept { return options_; }
    /// The store (tests: pause and resume its queue).
    Store& store() noexcept { return *store_; }

  private:
    StubOptions options_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<StubApi> api_;
    std::unique_ptr<net::HttpServer> server_;
};

}  // namespace skill::stub
