// net::json_request, the one start of a request to a JSON API (persistence and partner calls).
#include <catch2/catch.hpp>
#include <skill/net/http.hpp>

#include <iterator>

TEST_CASE("json_request: keep-alive HTTP/1.1, method, target, Accept first", "[net]") {
    namespace http = skill::net::http;
    const auto r = skill::net::json_request(http::verb::post, "/v1/persistence/entry?replace=false");
    CHECK(r.version() == 11);
    CHECK(r.keep_alive());
    CHECK(r.method() == http::verb::post);
    CHECK(r.target() == "/v1/persistence/entry?replace=false");
    REQUIRE(std::distance(r.begin(), r.end()) == 1);
    CHECK(r.begin()->name() == http::field::accept);
    CHECK(r.begin()->value() == "application/json");
    CHECK(r.body().empty());
}
