// libFuzzer target: bytes -> is_bearer_token, the check that stands between an
// invocation's cvi token and the persistence call's Authorization header.
// Invariants: a token it accepts has only visible ASCII, and the header line it
// makes parses as exactly one request whose Authorization is "Bearer <token>",
// with nothing left over (no injected field, no second request); a token with
// any control, space or non-ASCII byte is refused.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <skill/persistence_http.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace http = boost::beast::http;

namespace {

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    const bool accepted = skill::is_bearer_token(token);
    bool visible = !token.empty();
    for (unsigned char c : token) visible = visible && c > 0x20 && c < 0x7f;
    if (accepted && !visible) violated("accepted a token with a non-visible byte");
    if (!accepted) return 0;

    const std::string wire = "GET /v1/persistence/entry/data HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer " + std::string(token) + "\r\n\r\n";
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(wire), ec);
    if (ec || !parser.is_done()) violated("an accepted token broke the request");
    if (used != wire.size()) violated("an accepted token left bytes after the request");
    const auto& req = parser.get();
    if (req[http::field::authorization] != "Bearer " + std::string(token))
        violated("the Authorization field is not the token");
    if (std::distance(req.begin(), req.end()) != 2) violated("an accepted token added a field");
    return 0;
}
