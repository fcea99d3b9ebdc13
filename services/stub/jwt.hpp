#pragma once
// Who is calling: the bearer token is a JWT whose `sub` claim names the user
// and whose `skill_id` claim names the skill. Without a secret the claims are
// read unverified (local development); with one, HS256 signatures and `exp`
// are checked.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skill::stub {

struct Identity {
    std::string user;   // `sub`
    std::string skill;  // `skill_id`
};

/// Either an identity or the reason there is none (safe to log: never contains the token).
struct JwtOutcome {
    std::optional<Identity> identity;
    std::string reason;
    std::optional<double> expires;  // secret mode: the `exp` claim that was checked
    explicit operator bool() const noexcept { return identity.has_value(); }
};

/// The secret used by make_dev_token() when none is given.
inline constexpr std::string_view default_dev_secret = "dev-secret";

class JwtVerifier {
  public:
    /// No secret: claims are trusted as they are (development only).
    explicit JwtVerifier(std::optional<std::string> secret = std::nullopt);

    bool checks_signature() const noexcept { return secret_.has_value(); }

    /// `now` is seconds since the epoch (compared with `exp` in secret mode).
    JwtOutcome verify(std::string_view token, std::int64_t now) const;
    /// Same, with the current time.
    JwtOutcome verify(std::string_view token) const;

  private:
    std::optional<std::string> secret_;
};

/// Tokens one thread verified lately, with their identities: a token seen again
/// costs a hash and a constant-time comparison instead of an HMAC and two JSON
/// parses. Only tokens verify() accepted are held; `exp` is checked again at
/// every use. Bounded: `sets` x `ways` entries, a newer token evicts an older one
/// of its set. Not thread-safe: one per thread.
class TokenCache {
  public:
    /// verifier.verify(token, now), answered from the cache when it can be.
    JwtOutcome verify(const JwtVerifier& verifier, std::string_view token, std::int64_t now);
    /// Same, with the current time.
    JwtOutcome verify(const JwtVerifier& verifier, std::string_view token);
    void clear();

    static constexpr std::size_t sets = 64;
    static constexpr std::size_t ways = 4;

  private:
    struct Entry {
        std::size_t tag = 0;  // hash of the token's signed part
        std::string token;    // empty: unused
        Identity identity;
        std::optional<double> expires;
    };
    std::array<Entry, sets * ways> entries_;
    std::array<unsigned char, sets> next_victim_{};
};

/// The token of an `Authorization: Bearer <token>` header value (scheme case-insensitive).
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// An HS256 JWT with `sub` and `skill_id` (and `iat`) for local testing.
std::string make_dev_token(std::string_view user, std::string_view skill,
                           std::string_view secret = default_dev_secret);

/// RFC 4648 §5 without padding (as JWTs carry it, RFC 7515 §2).
std::string base64url_encode(std::string_view bytes);
/// The inverse of base64url_encode, and strict: every byte string has exactly one
/// accepted encoding. Nothing for '=' padding, a character outside the alphabet, a
/// length of 4n+1, or non-zero unused bits in the last character.
std::optional<std::string> base64url_decode(std::string_view text);

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, from OpenSSL: the 32 raw bytes
/// a JWT's HS256 signature carries.
std::string hmac_sha256(std::string_view key, std::string_view message);

}  // namespace skill::stub
