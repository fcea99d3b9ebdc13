#include "precondition.hpp"

#include <charconv>

namespace skill::stub {
namespace {

/// Optional whitespace around a field value (RFC 9110 §5.5) is not part of it.
std::string_view trimmed(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

}  // namespace

bool Precondition::satisfied_by(std::optional<std::int64_t> current) const noexcept {
    switch (kind) {
        case Kind::none:
            return true;
        case Kind::match:
            return current && *current == version;
        case Kind::exists:
            return current.has_value();
        case Kind::absent:
            return !current;
    }
    return false;
}

std::string entity_tag(std::int64_t version) {
    std::string tag;
    tag.reserve(22);
    tag += '"';
    tag += std::to_string(version);
    tag += '"';
    return tag;
}

std::optional<Precondition> parse_if_match(std::string_view value) {
    value = trimmed(value);
    if (value == "*") return Precondition{Precondition::Kind::exists, 0};
    // One spelling per version: quoted, digits only, no sign, no leading zero.
    if (value.size() < 3 || value.front() != '"' || value.back() != '"') return std::nullopt;
    const std::string_view digits = value.substr(1, value.size() - 2);
    if (digits.front() == '0') return std::nullopt;
    for (char c : digits)
        if (c < '0' || c > '9') return std::nullopt;
    std::int64_t version = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return Precondition{Precondition::Kind::match, version};
}

std::optional<Precondition> parse_if_none_match(std::string_view value) {
    if (trimmed(value) == "*") return Precondition{Precondition::Kind::absent, 0};
    return std::nullopt;
}

}  // namespace skill::stub
