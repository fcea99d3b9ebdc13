// JWT (RFC 7519) decoding and HS256 (RFC 7518 §3.2) verification.
#include "jwt.hpp"
#include "json_numbers.hpp"

#include <skill/ascii.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <limits>
#include <skill/secure_compare.hpp>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace skill::stub {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
    const auto pos = alphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

struct Segments {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
};

std::optional<Segments> split(std::string_view token) {
    const auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
    return Segments{token.substr(0, first), token.substr(first + 1, second - first - 1),
                    token.substr(second + 1)};
}

/// A base64url segment holding a JSON object, or nothing. Numbers are checked like
/// stored data: an `exp` of 1e400 (infinity) would be a token that never expires.
std::optional<boost::json::object> decode_object(std::string_view segment) {
    const auto bytes = base64url_decode(segment);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    boost::json::value v = parse_checked(*bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

std::optional<std::string> string_claim(const boost::json::object& claims, std::string_view key) {
    const auto* v = claims.if_contains(key);
    if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
    return std::string(v->as_string());
}

JwtOutcome refuse(std::string reason) {
    return JwtOutcome{std::nullopt, std::move(reason), std::nullopt};
}

/// `exp` as a number, when the claims carry one.
std::optional<double> expiry(const boost::json::object& claims) {
    const auto* exp = claims.if_contains("exp");
    if (!exp || !exp->is_number()) return std::nullopt;
    return exp->to_number<double>();
}

std::int64_t seconds_now() {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return now.count();
}

/// HS256 signature and `exp`; empty string when both are fine.
std::string check_signed(const Segments& s, const boost::json::object& header,
                         const boost::json::object& claims, std::string_view secret,
                         std::int64_t now) {
    const auto* alg = header.if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") return "alg is not HS256";
    const auto signature = base64url_decode(s.signature);
    if (!signature) return "signature is not base64url";
    const std::string signing_input = std::string(s.header) + "." + std::string(s.payload);
    const std::string expected = hmac_sha256(secret, signing_input);
    if (!constant_time_equal(*signature, expected)) return "signature mismatch";
    if (const auto* exp = claims.if_contains("exp")) {
        if (!exp->is_number()) return "exp is not a number";
        if (exp->to_number<double>() <= static_cast<double>(now)) return "token expired";
    }
    return {};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(n >> shift) & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t n = byte(i) << 16;
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
    } else if (rest == 2) {
        const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
        out.push_back(alphabet[(n >> 18) & 63]);
        out.push_back(alphabet[(n >> 12) & 63]);
        out.push_back(alphabet[(n >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    // Exactly one encoding per byte string (RFC 7515 §2, RFC 4648 §3.5): no '=' padding
    // (it is not in the alphabet), no length that no byte count encodes to, and the
    // unused low bits of the last character must be zero. Otherwise one signature
    // would have several spellings, all accepted.
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = sextet(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // 2 or 4 bits are left over after a final group of 2 or 3 characters.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // A non-null key pointer even for an empty key: OpenSSL reads a null key as
    // "no key given" rather than as the empty key.
    static constexpr unsigned char no_key = 0;
    const void* key_bytes = key.empty() ? static_cast<const void*>(&no_key) : key.data();
    if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::invalid_argument("HMAC key too long");
    if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
             &length) == nullptr ||
        length != 32) {
        throw std::runtime_error("HMAC-SHA256 failed");  // OpenSSL out of memory
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

JwtVerifier::JwtVerifier(std::optional<std::string> secret) : secret_(std::move(secret)) {}

JwtOutcome JwtVerifier::verify(std::string_view token) const {
    return verify(token, seconds_now());
}

JwtOutcome JwtVerifier::verify(std::string_view token, std::int64_t now) const {
    const auto segments = split(token);
    if (!segments) return refuse("token is not three dot-separated segments");
    const auto header = decode_object(segments->header);
    if (!header) return refuse("token header is not base64url JSON");
    const auto claims = decode_object(segments->payload);
    if (!claims) return refuse("token payload is not base64url JSON");
    if (secret_) {
        auto problem = check_signed(*segments, *header, *claims, *secret_, now);
        if (!problem.empty()) return refuse(std::move(problem));
    }
    auto user = string_claim(*claims, "sub");
    auto skill = string_claim(*claims, "skill_id");
    if (!user || !skill) return refuse("token lacks sub or skill_id claim");
    std::optional<double> expires;
    if (secret_) expires = expiry(*claims);
    return JwtOutcome{Identity{std::move(*user), std::move(*skill)}, {}, expires};
}

JwtOutcome TokenCache::verify(const JwtVerifier& verifier, std::string_view token) {
    return verify(verifier, token, seconds_now());
}

JwtOutcome TokenCache::verify(const JwtVerifier& verifier, std::string_view token,
                              std::int64_t now) {
    // Entries are found by a hash of the signed part only, so where a token
    // lands says nothing about its signature; the whole token is then compared
    // in constant time, as check_signed() compares signatures.
    const std::size_t tag = std::hash<std::string_view>{}(token.substr(0, token.rfind('.')));
    Entry* set = &entries_[tag % sets * ways];
    for (std::size_t way = 0; way < ways; ++way) {
        const Entry& entry = set[way];
        if (entry.tag != tag || entry.token.empty() || !constant_time_equal(entry.token, token))
            continue;
        // Only the clock can make a verified token invalid: check_signed()'s last test.
        if (entry.expires && *entry.expires <= static_cast<double>(now))
            return refuse("token expired");
        return JwtOutcome{entry.identity, {}, entry.expires};
    }
    JwtOutcome outcome = verifier.verify(token, now);
    if (!outcome) return outcome;
    Entry* slot = nullptr;
    for (std::size_t way = 0; way < ways && slot == nullptr; ++way)
        if (set[way].token.empty()) slot = &set[way];
    if (slot == nullptr) slot = &set[next_victim_[tag % sets]++ % ways];  // round robin
    *slot = Entry{tag, std::string(token), *outcome.identity, outcome.expires};
    return outcome;
}

void TokenCache::clear() {
    for (auto& entry : entries_) entry = Entry{};
    next_victim_.fill(0);
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size() || !ascii::istarts_with(authorization, scheme))
        return std::nullopt;
    std::string_view token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return token;
}

std::string make_dev_token(std::string_view user, std::string_view skill, std::string_view secret) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    boost::json::object claims{{"sub", user}, {"skill_id", skill}, {"iat", now.count()}};
    const std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                      base64url_encode(boost::json::serialize(claims));
    return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace skill::stub
