#pragma once
// Comparison of secrets (signatures, credentials, tokens) whose time does not
// depend on the contents: no early exit at the first differing byte, so timing
// cannot tell an attacker how much of a forged value was right. The time
// depends on the lengths only (a length is not treated as secret).
#include <string_view>

namespace skill {

/// True when `a` and `b` hold the same bytes. Different lengths: false at once;
/// equal lengths: OpenSSL's CRYPTO_memcmp over all of them.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace skill
