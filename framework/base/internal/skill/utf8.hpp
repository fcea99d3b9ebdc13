#pragma once
// Minimal UTF-8 validation (RFC 3629), header-only and inline: the one copy used by the
// protocol reader and writer and by the log's escaping, which run on every request.
#include <cstddef>
#include <string_view>

namespace skill::utf8 {

/// Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 when the bytes there
/// are not one (overlong forms, surrogates and code points above U+10FFFF are rejected, as
/// RFC 3629 requires).
inline std::size_t sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
    else if (b0 == 0xE0) len = 3, lo = 0xA0;
    else if (b0 >= 0xE1 && b0 <= 0xEC) len = 3;
    else if (b0 == 0xED) len = 3, hi = 0x9F;
    else if (b0 >= 0xEE && b0 <= 0xEF) len = 3;
    else if (b0 == 0xF0) len = 4, lo = 0x90;
    else if (b0 >= 0xF1 && b0 <= 0xF3) len = 4;
    else if (b0 == 0xF4) len = 4, hi = 0x8F;
    else return 0;
    if (s.size() - i < len) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < len; ++k)
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    return len;
}

/// Offset of the first byte that does not start a well-formed sequence; s.size() when valid.
inline std::size_t first_invalid(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t n = sequence_length(s, i);
        if (n == 0) return i;
        i += n;
    }
    return i;
}

/// The longest prefix of `s` of at most `max_bytes` that does not split a sequence.
inline std::string_view truncate(std::string_view s, std::size_t max_bytes) noexcept {
    if (s.size() <= max_bytes) return s;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return s.substr(0, end);
}

}  // namespace skill::utf8
