#pragma once
// JSON string escaping (RFC 8259 §7), the one copy behind the log lines and the response
// writer, both on every request: header-only and inline, plain ASCII is scanned and copied
// eight bytes at a time, and invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
#include <skill/utf8.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace skill::json_escape {

/// What DEL (0x7F) is: JSON allows it raw; the log escapes it so a line never holds it.
enum class Del : bool { raw, escaped };

/// The most output bytes one input byte becomes ("\u00XX").
inline constexpr std::size_t max_expansion = 6;

/// True when `c` is copied as it is: printable ASCII but '"' and '\' (and DEL per policy).
template <Del del>
constexpr bool is_plain(unsigned char c) noexcept {
    constexpr unsigned char end = del == Del::escaped ? 0x7F : 0x80;
    return c >= 0x20 && c < end && c != '"' && c != '\\';
}

/// True when one of the eight bytes of w is not plain. Classic SWAR "has a byte < n / == 0"
/// tests, each exact for "any byte in the word".
template <Del del>
inline bool has_special(std::uint64_t w) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    constexpr std::uint64_t del_ones = del == Del::escaped ? ones : 0;
    const std::uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
    const std::uint64_t bad = ((w - ones * 0x20) & ~w)     // bytes < 0x20
                              | w                          // bytes >= 0x80
                              | ((w + del_ones) & ~w)      // 0x7F (adds into the high bit)
                              | ((quote - ones) & ~quote)  // '"'
                              | ((slash - ones) & ~slash); // '\\'
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

/// Escapes s into p, which has room for max_expansion * s.size() bytes; returns the new
/// end. Without the quotes.
template <Del del>
inline char* escape_into(char* p, std::string_view s) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        // Plain ASCII (nearly every byte) is copied eight bytes at a time.
        while (i + 8 <= s.size()) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (has_special<del>(w)) break;
            std::memcpy(p, &w, 8);
            p += 8;
            i += 8;
        }
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (is_plain<del>(c)) {
            *p++ = static_cast<char>(c);
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const auto n = utf8::sequence_length(s, i)) {
                std::memcpy(p, s.data() + i, n);
                p += n;
                i += n;
            } else {
                std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD replaces one bad byte
                p += 3;
                ++i;
            }
            continue;
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
    }
    return p;
}

/// How many leading bytes of `s` (at most `max`, max >= 4) to escape in one piece so that
/// no UTF-8 sequence is split: escaping the pieces one by one gives what escaping the
/// whole gives (for a writer with a fixed buffer).
inline std::size_t piece_length(std::string_view s, std::size_t max) noexcept {
    if (s.size() <= max) return s.size();
    const auto continuation = [&](std::size_t k) {
        return (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80;
    };
    std::size_t end = max;
    // A sequence has at most three continuation bytes: no lead byte within reach means
    // that no valid sequence crosses `max`.
    for (int k = 0; k < 3 && continuation(end); ++k) --end;
    return continuation(end) ? max : end;
}

}  // namespace skill::json_escape
