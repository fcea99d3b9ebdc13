#pragma once
// The persistence stub: the persistence service's HTTP API (StubApi) served
// by skill::net::HttpServer on a SQLite Store. Used by `persistence-stub` and
// by in-process integration tests.
#include <cstdint>
#include <memory>
#include <optional>
#include <skill/net/http_server.hpp>
#include <string>

#include "jwt.hpp"
#include "store.hpp"
#include "stub_api.hpp"

namespace skill::stub {

struct StubOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 1555;  // 0 = ephemeral
    std::string db_path = "persistence.db";
    std::optional<std::string> jwt_secret;  // none: token claims are read unverified (dev only)
    unsigned threads = 1;
    std::size_t max_body_bytes = 1024 * 1024;  // over it: 413
    std::size_t max_connections = 10'000;      // over it: 503
    std::optional<net::TlsOptions> tls;        // set: HTTPS only (PEM certificate chain and key)
};

class StubServer {
  public:
    /// Opens the database (throws StoreError) and loads the TLS files (throws
    /// std::runtime_error naming the file); does not listen yet.
    explicit StubServer(StubOptions options);
    /// Drains and waits when started, then finishes the store's queue.
    ~StubServer();
    StubServer(const StubServer&) = delete;
    StubServer& operator=(const StubServer&) = delete;

    /// Bind and serve; returns the bound port. Throws on bind failure.
    std::uint16_t start();
    void drain();
    void wait();
    /// Serve until SIGINT/SIGTERM, then drain (start() first to learn the port).
    void run_until_signal();

    std::uint16_t port() const noexcept;
    bool checks_signatures() const noexcept { return options_.jwt_secret.has_value(); }
    const StubOptions& options() const noexcept { return options_; }

  private:
    StubOptions options_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<StubApi> api_;
    std::unique_ptr<net::HttpServer> server_;
};

}  // namespace skill::stub
