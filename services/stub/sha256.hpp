#pragma once
// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), self-contained so the stub
// needs no crypto library just to check HS256 tokens. Not constant-time with
// respect to the message; the secret is only hashed, never compared here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace skill::stub {

using Sha256Digest = std::array<std::uint8_t, 32>;

class Sha256 {
  public:
    Sha256() noexcept;
    void update(std::string_view bytes) noexcept;
    Sha256Digest finish() noexcept;  // the object must not be used afterwards

  private:
    void compress(const std::uint8_t* block) noexcept;

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

Sha256Digest sha256(std::string_view bytes) noexcept;
Sha256Digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// The digest as raw bytes (what a JWT signature carries).
std::string digest_bytes(const Sha256Digest& digest);
/// Lower-case hex (for tests and logs).
std::string to_hex(const Sha256Digest& digest);

/// Compare without an early exit, so the time taken does not reveal how many
/// leading bytes of a forged signature were right.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace skill::stub
