// skill::ascii, the one set of locale-free letter-case helpers (header names, auth schemes,
// config words, slot booleans).
#include <catch2/catch.hpp>
#include <skill/ascii.hpp>

using namespace std::string_view_literals;

TEST_CASE("to_lower folds ASCII letters only", "[ascii]") {
    using skill::ascii::to_lower;
    STATIC_REQUIRE(to_lower('A') == 'a');
    STATIC_REQUIRE(to_lower('Z') == 'z');
    STATIC_REQUIRE(to_lower('a') == 'a');
    STATIC_REQUIRE(to_lower('@') == '@');
    STATIC_REQUIRE(to_lower('[') == '[');
    CHECK(to_lower('\xC4') == '\xC4');  // a UTF-8 byte is left alone
    CHECK(to_lower("Content-Type: \xC3\x84"sv) == "content-type: \xC3\x84");
    CHECK(to_lower(""sv).empty());
}

TEST_CASE("iequals and istarts_with ignore ASCII case", "[ascii]") {
    using namespace skill::ascii;
    STATIC_REQUIRE(iequals("Content-Length", "content-LENGTH"));
    CHECK(iequals("", ""));
    CHECK_FALSE(iequals("Host", "Hosts"));
    CHECK_FALSE(iequals("Host", "Ho5t"));
    CHECK_FALSE(iequals("\xC3\x84", "\xC3\xA4"));  // Ä vs ä: not ASCII, not folded
    CHECK(istarts_with("Basic dXNlcg==", "basic"));
    CHECK(istarts_with("BEARER x", "bearer "));
    CHECK_FALSE(istarts_with("Bea", "bearer "));
    CHECK_FALSE(istarts_with("Digest x", "basic"));
    CHECK(istarts_with("anything", ""));
}
