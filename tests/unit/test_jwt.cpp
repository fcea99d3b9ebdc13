// HMAC-SHA256 against published vectors; base64url; JWT decoding and HS256 checks.
#include <catch2/catch.hpp>
#include <string>

#include "jwt.hpp"

using namespace skill::stub;

namespace {

std::string sign(std::string_view header, std::string_view claims, std::string_view secret) {
    const std::string input = base64url_encode(header) + "." + base64url_encode(claims);
    return input + "." + base64url_encode(hmac_sha256(secret, input));
}

std::string unsigned_token(std::string_view claims) {
    return base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims) + ".";
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

constexpr std::string_view good_claims = R"({"sub":"user-1","skill_id":"skill-a"})";
constexpr std::int64_t now = 1'700'000'000;

}  // namespace

TEST_CASE("HMAC-SHA256 (OpenSSL) matches RFC 4231 vectors", "[hmac]") {
    CHECK(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 6: a key longer than the block is hashed first.
    CHECK(hex(hmac_sha256(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    // The empty key is a key (of zero bytes), not "no key".
    CHECK(hex(hmac_sha256("", "")) ==
          "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("base64url round-trips and rejects foreign characters", "[jwt]") {
    for (const std::string& s : {std::string(), std::string("foobar"), std::string("\xff\xfe\0", 3),
                                 std::string("f"), std::string("fo"), std::string("foob")}) {
        CHECK(base64url_decode(base64url_encode(s)) == s);
    }
    CHECK(base64url_encode("\xfb\xff") == "-_8");  // the url-safe alphabet, no padding
    CHECK(base64url_decode("Zm9vYg") == std::string("foob"));
    CHECK_FALSE(base64url_decode("Zm9v+g"));  // '+' is standard base64, not base64url
    CHECK_FALSE(base64url_decode("Zm9v/w"));
    CHECK_FALSE(base64url_decode("Zm9v!"));
    CHECK_FALSE(base64url_decode("Zm9v Yg"));
    CHECK_FALSE(base64url_decode(std::string("Zm9v\0g", 6)));
    CHECK_FALSE(base64url_decode("Z"));      // no byte count encodes to one character
    CHECK_FALSE(base64url_decode("Zm9vY"));  // nor to 4n+1
}

TEST_CASE("base64url accepts exactly one encoding per byte string", "[jwt]") {
    SECTION("no padding") {
        CHECK_FALSE(base64url_decode("Zm9vYg=="));
        CHECK_FALSE(base64url_decode("Zm9vYg="));
        CHECK_FALSE(base64url_decode("Zm8="));
        CHECK_FALSE(base64url_decode("===="));
        CHECK_FALSE(base64url_decode("="));
    }
    SECTION("the unused low bits of the last character must be zero") {
        CHECK(base64url_decode("Zg") == std::string("f"));   // 'g' = 100000: 4 unused bits clear
        CHECK_FALSE(base64url_decode("Zh"));                 // same byte, low bit set
        CHECK_FALSE(base64url_decode("Zv"));
        CHECK(base64url_decode("Zm8") == std::string("fo"));  // '8' = 111100: 2 unused bits clear
        CHECK_FALSE(base64url_decode("Zm9"));
        CHECK_FALSE(base64url_decode("Zm-"));
    }
    SECTION("exhaustively, for every text of 2 and 3 characters") {
        // Decoding succeeds exactly when the text is what encoding the result gives.
        const std::string_view alphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::size_t accepted2 = 0, accepted3 = 0, mismatches = 0;
        for (const char a : alphabet) {
            for (const char b : alphabet) {
                const std::string two{a, b};
                const auto bytes = base64url_decode(two);
                if (bytes) ++accepted2;
                if (bytes && base64url_encode(*bytes) != two) ++mismatches;
                for (const char c : alphabet) {
                    const std::string three{a, b, c};
                    const auto more = base64url_decode(three);
                    if (more) ++accepted3;
                    if (more && base64url_encode(*more) != three) ++mismatches;
                }
            }
        }
        CHECK(mismatches == 0);
        CHECK(accepted2 == 256);      // one text per byte
        CHECK(accepted3 == 65'536);   // one text per pair of bytes
    }
}

TEST_CASE("a signature spelled with other unused bits is refused", "[jwt]") {
    // 32 signature bytes are 43 characters: the last one carries 2 unused bits.
    const JwtVerifier verifier(std::string("s3cret"));
    const std::string token = sign(R"({"alg":"HS256"})", good_claims, "s3cret");
    REQUIRE(verifier.verify(token, now));
    REQUIRE(token.size() - token.rfind('.') - 1 == 43);
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto last = alphabet.find(token.back());
    REQUIRE(last % 4 == 0);
    for (std::size_t low = 1; low < 4; ++low) {
        std::string other = token;
        other.back() = alphabet[last + low];  // the same 32 bytes, another spelling
        const auto outcome = verifier.verify(other, now);
        CHECK_FALSE(outcome);
        CHECK(outcome.reason == "signature is not base64url");
    }
    CHECK_FALSE(verifier.verify(token + "=", now));
    CHECK_FALSE(verifier.verify(token + "==", now));
}

TEST_CASE("dev mode reads the claims without checking the signature", "[jwt]") {
    const JwtVerifier verifier;
    CHECK_FALSE(verifier.checks_signature());
    const auto outcome = verifier.verify(unsigned_token(good_claims), now);
    REQUIRE(outcome);
    CHECK(outcome.identity->user == "user-1");
    CHECK(outcome.identity->skill == "skill-a");
    CHECK(verifier.verify(sign(R"({"alg":"HS256"})", good_claims, "anything"), now));
}

TEST_CASE("malformed tokens are refused", "[jwt]") {
    const JwtVerifier verifier;
    CHECK_FALSE(verifier.verify("", now));
    CHECK_FALSE(verifier.verify("only-one-segment", now));
    CHECK_FALSE(verifier.verify("two.segments", now));
    CHECK_FALSE(verifier.verify(unsigned_token(good_claims) + ".extra", now));
    CHECK_FALSE(verifier.verify("!!!." + base64url_encode(good_claims) + ".", now));
    CHECK_FALSE(verifier.verify(base64url_encode("{}") + ".$$$.", now));
    CHECK_FALSE(verifier.verify(base64url_encode("{}") + "." + base64url_encode("[1]") + ".", now));
    CHECK_FALSE(
        verifier.verify(base64url_encode("{}") + "." + base64url_encode("not json") + ".", now));
}

TEST_CASE("sub and skill_id must be non-empty strings", "[jwt]") {
    const JwtVerifier verifier;
    CHECK_FALSE(verifier.verify(unsigned_token(R"({"skill_id":"s"})"), now));
    CHECK_FALSE(verifier.verify(unsigned_token(R"({"sub":"u"})"), now));
    CHECK_FALSE(verifier.verify(unsigned_token(R"({"sub":"","skill_id":"s"})"), now));
    CHECK_FALSE(verifier.verify(unsigned_token(R"({"sub":7,"skill_id":"s"})"), now));
    const auto outcome = verifier.verify(unsigned_token(R"({"sub":"u"})"), now);
    CHECK(outcome.reason.find("skill_id") != std::string::npos);
}

TEST_CASE("secret mode verifies HS256", "[jwt]") {
    const JwtVerifier verifier(std::string("s3cret"));
    CHECK(verifier.checks_signature());

    SECTION("a correctly signed token passes") {
        const auto outcome =
            verifier.verify(sign(R"({"alg":"HS256"})", good_claims, "s3cret"), now);
        REQUIRE(outcome);
        CHECK(outcome.identity->user == "user-1");
    }
    SECTION("another secret's signature fails") {
        const auto outcome = verifier.verify(sign(R"({"alg":"HS256"})", good_claims, "other"), now);
        CHECK_FALSE(outcome);
        CHECK(outcome.reason == "signature mismatch");
    }
    SECTION("alg none and other algorithms are refused") {
        CHECK_FALSE(verifier.verify(unsigned_token(good_claims), now));
        CHECK_FALSE(verifier.verify(sign(R"({"alg":"HS512"})", good_claims, "s3cret"), now));
        CHECK_FALSE(verifier.verify(sign(R"({"typ":"JWT"})", good_claims, "s3cret"), now));
    }
    SECTION("a tampered payload fails") {
        const std::string token = sign(R"({"alg":"HS256"})", good_claims, "s3cret");
        const auto dot = token.find('.');
        const auto dot2 = token.find('.', dot + 1);
        const std::string forged = token.substr(0, dot + 1) +
                                   base64url_encode(R"({"sub":"admin","skill_id":"skill-a"})") +
                                   token.substr(dot2);
        CHECK_FALSE(verifier.verify(forged, now));
    }
    SECTION("exp in the past is refused, in the future accepted") {
        const auto claims = [](std::int64_t exp) {
            return R"({"sub":"u","skill_id":"s","exp":)" + std::to_string(exp) + "}";
        };
        CHECK_FALSE(verifier.verify(sign(R"({"alg":"HS256"})", claims(now - 1), "s3cret"), now));
        CHECK(verifier.verify(sign(R"({"alg":"HS256"})", claims(now + 60), "s3cret"), now));
        CHECK_FALSE(verifier.verify(
            sign(R"({"alg":"HS256"})", R"({"sub":"u","skill_id":"s","exp":"soon"})", "s3cret"),
            now));
    }
    SECTION("an exp JSON cannot hold (infinity: never expiring) is refused") {
        CHECK_FALSE(verifier.verify(
            sign(R"({"alg":"HS256"})", R"({"sub":"u","skill_id":"s","exp":1e400})", "s3cret"), now));
    }
}

TEST_CASE("the jwt.io example verifies with its published secret", "[jwt]") {
    // Signed by a third-party implementation: proves interoperability, not just self-consistency.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const auto right = JwtVerifier(std::string("your-256-bit-secret")).verify(token, now);
    CHECK(right.reason.find("sub or skill_id") != std::string::npos);  // signature was fine
    const auto wrong = JwtVerifier(std::string("not-the-secret")).verify(token, now);
    CHECK(wrong.reason == "signature mismatch");
}

TEST_CASE("make_dev_token produces a verifiable HS256 token", "[jwt]") {
    const std::string token = make_dev_token("anna", "hello-skill", "k");
    const auto outcome = JwtVerifier(std::string("k")).verify(token, now);
    REQUIRE(outcome);
    CHECK(outcome.identity->user == "anna");
    CHECK(outcome.identity->skill == "hello-skill");
    CHECK_FALSE(JwtVerifier(std::string("dev-secret")).verify(token, now));
    CHECK(JwtVerifier(std::string(default_dev_secret)).verify(make_dev_token("a", "b"), now));
}

TEST_CASE("bearer_token extracts the token from an Authorization value", "[jwt]") {
    CHECK(bearer_token("Bearer abc.def.ghi") == std::string_view("abc.def.ghi"));
    CHECK(bearer_token("bearer  abc ") == std::string_view("abc"));
    // RFC 9110 §11.1: the scheme name is case-insensitive.
    CHECK(bearer_token("BEARER abc") == std::string_view("abc"));
    CHECK(bearer_token("bEaReR abc") == std::string_view("abc"));
    CHECK_FALSE(bearer_token("Bearerabc"));
    CHECK_FALSE(bearer_token("Bearer"));
    CHECK_FALSE(bearer_token("Bearers abc"));
    CHECK_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
    CHECK_FALSE(bearer_token("Bearer "));
    CHECK_FALSE(bearer_token(""));
}
