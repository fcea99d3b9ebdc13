// The placeholder formatter of ctx.tr(): one pass over the pattern, no allocation beyond the
// result (reserved once), no std::locale: numbers are written with std::to_chars.
#include <algorithm>
#include <charconv>
#include <optional>
#include <skill/message.hpp>

namespace skill {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
    return is_name_start(c) || is_digit(c);
}

/// The placeholder opened by the '{' at pattern[open]: its inside (between the braces), or
/// nothing when the brace opens no placeholder. A name is [A-Za-z_][A-Za-z0-9_]*, an index
/// is digits.
std::optional<std::string_view> placeholder_at(std::string_view pattern, std::size_t open) {
    const auto close = pattern.find('}', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    const auto inside = pattern.substr(open + 1, close - open - 1);
    if (inside.empty() || inside.size() > 64) return std::nullopt;
    if (std::all_of(inside.begin(), inside.end(), is_digit)) return inside;
    if (is_name_start(inside.front()) && std::all_of(inside.begin(), inside.end(), is_name_char))
        return inside;
    return std::nullopt;
}

/// The next '{' or '}' from `from`: one pass. (string_view::find_first_of calls memchr on
/// the set once per character of the text: most of a short message's formatting time.)
std::size_t find_brace(std::string_view text, std::size_t from) noexcept {
    for (std::size_t i = from; i < text.size(); ++i)
        if (text[i] == '{' || text[i] == '}') return i;
    return std::string_view::npos;
}

const MessageArg* find_arg(std::string_view inside, std::span<const MessageArg> args) {
    if (is_digit(inside.front())) {
        std::size_t index = 0;
        auto [end, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
        if (ec != std::errc{} || index >= args.size()) return nullptr;
        return &args[index];
    }
    for (const auto& a : args)
        if (a.name() == inside) return &a;
    return nullptr;
}

}  // namespace

void MessageArg::append_to(std::string& out) const {
    char buf[32];
    std::to_chars_result r{buf, {}};
    switch (kind_) {
        case Kind::text:
            out.append(text_);
            return;
        case Kind::integer:
            r = std::to_chars(buf, buf + sizeof buf, integer_);
            break;
        case Kind::unsigned_integer:
            r = std::to_chars(buf, buf + sizeof buf, unsigned_);
            break;
        case Kind::real:
            r = std::to_chars(buf, buf + sizeof buf, real_);
            break;
    }
    out.append(buf, r.ptr);
}

std::string format_message(std::string_view pattern, std::span<const MessageArg> args,
                           std::vector<std::string>* unresolved) {
    std::size_t special = find_brace(pattern, 0);
    if (special == std::string_view::npos) return std::string(pattern);  // most texts
    std::string out;
    out.reserve(pattern.size() + 16 * args.size());
    std::size_t i = 0;
    for (; i < pattern.size(); special = find_brace(pattern, i)) {
        if (special == std::string_view::npos) {
            out.append(pattern.substr(i));
            break;
        }
        out.append(pattern.substr(i, special - i));
        const char c = pattern[special];
        if (special + 1 < pattern.size() && pattern[special + 1] == c) {  // "{{" or "}}"
            out.push_back(c);
            i = special + 2;
            continue;
        }
        if (c == '}') {
            out.push_back(c);
            i = special + 1;
            continue;
        }
        const auto inside = placeholder_at(pattern, special);
        if (!inside) {
            out.push_back(c);
            i = special + 1;
            continue;
        }
        if (const auto* a = find_arg(*inside, args)) {
            a->append_to(out);
        } else {
            out.append(pattern.substr(special, inside->size() + 2));
            if (unresolved) unresolved->emplace_back(*inside);
        }
        i = special + inside->size() + 2;
    }
    return out;
}

std::vector<std::string> message_placeholders(std::string_view pattern) {
    std::vector<std::string> names;
    std::size_t i = 0;
    while ((i = find_brace(pattern, i)) != std::string_view::npos) {
        if (i + 1 < pattern.size() && pattern[i + 1] == pattern[i]) {
            i += 2;
            continue;
        }
        const auto inside = pattern[i] == '{' ? placeholder_at(pattern, i) : std::nullopt;
        if (!inside) {
            ++i;
            continue;
        }
        if (std::find(names.begin(), names.end(), *inside) == names.end())
            names.emplace_back(*inside);
        i += inside->size() + 2;
    }
    return names;
}

}  // namespace skill
