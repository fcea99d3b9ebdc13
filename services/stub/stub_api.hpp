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
/// Where the API lives unless told otherwise (the client's default URL, normalised).
inline constexpr std::string_view default_base_path = "/v1/persistence";

/// Whether `path` may be a base path: "/" then visible ASCII, no trailing '/', no
/// query, no '%' escapes (it is compared byte for byte with request targets).
bool valid_base_path(std::string_view path);

/// {"error":"<short code>","detail":"<detail>"}, the body of every error answer
/// (also handed to the HTTP server for the answers it writes itself: 413, 431, ...).
std::string error_body(net::http::status status, std::string_view detail);

class StubApi {
  public:
    /// `base_path` (valid_base_path): the API answers at {base_path}/entry and
    /// {base_path}/entry/data, e.g. "/svh/services/persistence/v1" to stand in
    /// for the platform's host at its own URL.
    StubApi(Store& store, JwtVerifier verifier,
            std::string base_path = std::string(default_base_path));

    /// The server's request handler; runs on the connection's I/O thread and
    /// awaits the store (never blocks on SQLite itself).
    net::Awaitable<net::Response> handle(net::Request& req);

  private:
    JwtOutcome identify(const net::Request& req) const;
    net::Awaitable<net::Response> entry(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> entry_data(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> store_data(net::Request& req, const Identity& who);
    net::Awaitable<net::Response> run(net::Request& req, Operation op);
    /// What run() answers for the store's result of an operation of `kind`.
    static net::Response answer(const net::Request& req, Operation::Kind kind, StoreResult& r);

    Store& store_;
    JwtVerifier verifier_;
    std::string entry_path_;  // {base}/entry
    std::string data_path_;   // {base}/entry/data
    std::uint64_t id_;  // tells this API's per-thread token caches from another's
};

}  // namespace skill::stub
