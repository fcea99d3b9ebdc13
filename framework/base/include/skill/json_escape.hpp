#pragma once
// JSON string escaping (RFC 8259 §7), the one copy behind the log lines and the response
// writer, both on every request: header-only and inline, plain ASCII is scanned eight bytes
// at a time, and invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
#include <skill/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace skill::json_escape {

/// What DEL (0x7F) is: JSON allows it raw; the log escapes it so a line never holds it.
enum class Del : bool { raw, escaped };

/// The most bytes escape_one() writes for one call ("\u00XX").
inline constexpr std::size_t max_escape_bytes = 6;

/// True when `c` is copied as it is: printable ASCII but '"' and '\' (and DEL per policy).
template <Del del>
constexpr bool is_plain(unsigned char c) noexcept {
    if (c == 0x7F) return del == Del::raw;
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/// True when one of the eight bytes of w is not plain. Classic SWAR "has a byte < n / == 0"
/// tests, each exact for "any byte in the word".
template <Del del>
inline bool has_special(std::uint64_t w) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
    std::uint64_t bad = ((w - ones * 0x20) & ~w)      // bytes < 0x20
                        | w                           // bytes >= 0x80
                        | ((quote - ones) & ~quote)   // '"'
                        | ((slash - ones) & ~slash);  // '\\'
    if constexpr (del == Del::escaped) bad |= (w + ones) & ~w;  // 0x7F (adds into the high bit)
    return (bad & highs) != 0;
}

/// Length of the stretch from s[i] that needs no escaping.
template <Del del>
inline std::size_t plain_run(std::string_view s, std::size_t i) noexcept {
    std::size_t j = i;
    while (j + 8 <= s.size()) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + j, 8);
        if (has_special<del>(w)) break;
        j += 8;
    }
    while (j < s.size() && is_plain<del>(static_cast<unsigned char>(s[j]))) ++j;
    return j - i;
}

/// Writes the character starting at s[i] to p as JSON string content (at most
/// max_escape_bytes), advances i past it and returns the new end of p.
template <Del del>
inline char* escape_one(char* p, std::string_view s, std::size_t& i) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    const auto c = static_cast<unsigned char>(s[i]);
    if (is_plain<del>(c)) {
        *p++ = static_cast<char>(c);
        ++i;
        return p;
    }
    if (c >= 0x80) {
        if (const std::size_t n = utf8::sequence_length(s, i)) {
            std::memcpy(p, s.data() + i, n);
            i += n;
            return p + n;
        }
        std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD replaces one bad byte
        ++i;
        return p + 3;
    }
    *p++ = '\\';
    switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    case '\b': *p++ = 'b'; break;
    case '\f': *p++ = 'f'; break;
    default:  // other control characters (and DEL when escaped)
        std::memcpy(p, "u00", 3);
        p[3] = hex[c >> 4];
        p[4] = hex[c & 0xF];
        p += 5;
    }
    ++i;
    return p;
}

}  // namespace skill::json_escape
