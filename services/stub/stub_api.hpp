#pragma once
// The persistence wire API (docs/persistence-stub.md): routes a request to a
// store operation on behalf of the identity in its bearer token.
#include <cstdint>
#include <skill/net/http.hpp>
#include <string>
#include <string_view>

#include "jwt.hpp"
#include "store.hpp"

namespace skill::stub {

inline constexpr std::string_view entry_path = "/v1/persistence/entry";
inline constexpr std::string_view data_path = "/v1/persistence/entry/data";

/// {"error":"<short code>","detail":"<detail>"}, the body of every error answer
/// (also handed to the HTTP server for the answers it writes itself: 413, 431, ...).
std::string error_body(net::http::status status, std::string_view detail);

class StubApi {
  public:
    StubApi(Store& store, JwtVerifier verifier);

    /// The server's request handler; runs on the connection's I/O thread and
    /// awaits the store (never blocks on SQLite itself).
    net::Awaitable<net::Response> handle(net::Request& req);

  private:
    JwtOutcome identify(const net::Request& req) const;
    net::Awaitable<net::Response> entry(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> entry_data(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> store_data(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> run(net::Request& req, Operation op);

    Store& store_;
    JwtVerifier verifier_;
    std::uint64_t id_;  // tells this API's per-thread token caches from another's
};

}  // namespace skill::stub
