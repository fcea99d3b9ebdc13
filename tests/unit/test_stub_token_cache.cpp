// The stub's per-thread token cache: a token verified once is answered from
// the cache, but never a token verify() would refuse now (forged signature of
// a cached token's claims, expiry), and the cache stays bounded.
#include <catch2/catch.hpp>
#include <string>

#include "jwt.hpp"

using namespace skill::stub;

namespace {

std::string sign(std::string_view claims, std::string_view secret) {
    const std::string input =
        base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims);
    return input + "." + base64url_encode(hmac_sha256(secret, input));
}

std::string claims(std::string_view user, std::int64_t exp = 0) {
    std::string c = R"({"sub":")" + std::string(user) + R"(","skill_id":"s")";
    if (exp != 0) c += R"(,"exp":)" + std::to_string(exp);
    return c + "}";
}

/// `token` with its last signature character changed (still valid base64url).
std::string forge(std::string token) {
    token.back() = token.back() == 'A' ? 'B' : 'A';
    return token;
}

constexpr std::int64_t now = 1'700'000'000;

}  // namespace

TEST_CASE("a cached token answers with the identity it was verified with", "[jwt][cache]") {
    const JwtVerifier verifier(std::string("s3cret"));
    TokenCache cache;
    const auto token = sign(claims("anna"), "s3cret");
    for (int i = 0; i < 3; ++i) {
        const auto outcome = cache.verify(verifier, token, now);
        REQUIRE(outcome);
        CHECK(outcome.identity->user == "anna");
        CHECK(outcome.identity->skill == "s");
    }
}

TEST_CASE("a forged signature of a cached token's claims is refused", "[jwt][cache]") {
    const JwtVerifier verifier(std::string("s3cret"));
    TokenCache cache;
    const auto token = sign(claims("anna"), "s3cret");
    REQUIRE(cache.verify(verifier, token, now));
    for (const auto& forged : {forge(token), sign(claims("anna"), "guess"),
                               token.substr(0, token.rfind('.') + 1)}) {
        const auto outcome = cache.verify(verifier, forged, now);
        CHECK_FALSE(outcome);
        CHECK_FALSE(outcome.identity);
    }
    CHECK(cache.verify(verifier, token, now));  // the genuine one is still fine
}

TEST_CASE("a cached token's exp is checked at every use", "[jwt][cache]") {
    const JwtVerifier verifier(std::string("s3cret"));
    TokenCache cache;
    const auto token = sign(claims("anna", now + 60), "s3cret");
    REQUIRE(cache.verify(verifier, token, now));
    CHECK(cache.verify(verifier, token, now + 59));
    const auto expired = cache.verify(verifier, token, now + 60);
    CHECK_FALSE(expired);
    CHECK(expired.reason == "token expired");
    // The same answer as without a cache.
    CHECK(verifier.verify(token, now + 60).reason == "token expired");
}

TEST_CASE("refused tokens are not cached", "[jwt][cache]") {
    const JwtVerifier verifier(std::string("s3cret"));
    TokenCache cache;
    const auto expired = sign(claims("anna", now - 1), "s3cret");
    CHECK_FALSE(cache.verify(verifier, expired, now));
    CHECK_FALSE(cache.verify(verifier, expired, now));
    CHECK(cache.verify(verifier, expired, now - 100));  // valid then: no refusal was remembered
    CHECK_FALSE(cache.verify(verifier, expired, now));  // cached now, its exp still checked
    CHECK_FALSE(cache.verify(verifier, forge(expired), now - 100));
}

TEST_CASE("the cache is bounded and keeps working past its size", "[jwt][cache]") {
    const JwtVerifier verifier;  // dev mode: claims read unverified, cached all the same
    TokenCache cache;
    constexpr std::size_t tokens = TokenCache::sets * TokenCache::ways * 4;
    for (int round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < tokens; ++i) {
            const auto token = sign(claims("u" + std::to_string(i)), "x");
            const auto outcome = cache.verify(verifier, token, now);
            REQUIRE(outcome);
            CHECK(outcome.identity->user == "u" + std::to_string(i));
        }
    }
    cache.clear();
    CHECK(cache.verify(verifier, sign(claims("after"), "x"), now).identity->user == "after");
}
