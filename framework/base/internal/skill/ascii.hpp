#pragma once
// ASCII letter case: protocol words (header names, auth schemes, config and slot values) are
// case-insensitive in ASCII only, and <cctype> would depend on the C locale. Inline: header
// names are compared for every field of every call.
#include <string>
#include <string_view>

namespace skill::ascii {

/// 'A'..'Z' to 'a'..'z'; every other byte (UTF-8 included) as it is.
constexpr char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Equal but for the case of ASCII letters.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    return true;
}

/// `s` begins with `prefix`, but for the case of ASCII letters.
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// A copy of `s` with its ASCII letters in lower case.
inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = to_lower(c);
    return out;
}

}  // namespace skill::ascii
