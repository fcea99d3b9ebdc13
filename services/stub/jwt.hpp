#pragma once
// Who is calling: the bearer token is a JWT whose `sub` claim names the user
// and whose `skill_id` claim names the skill. Without a secret the claims are
// read unverified (local development); with one, HS256 signatures and `exp`
// are checked.
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

/// The token of an `Authorization: Bearer <token>` header value (scheme case-insensitive).
std::optional<std::string_view> bearer_token(std::string_view authorization);

/// An HS256 JWT with `sub` and `skill_id` (and `iat`) for local testing.
std::string make_dev_token(std::string_view user, std::string_view skill,
                           std::string_view secret = default_dev_secret);

/// RFC 4648 §5 without padding; decoding also accepts trailing '=' padding.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace skill::stub
