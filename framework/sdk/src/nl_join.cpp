// nl_join: the spoken "A, B and C" per language.
#include <array>
#include <skill/nl_join.hpp>
#include <utility>

namespace skill {

std::string_view nl_and(std::string_view locale) noexcept {
    // The language subtag, lower case: "de-AT" -> "de", "FR_fr" -> "fr".
    char lang[4] = {};
    std::size_t n = 0;
    for (const char c : locale) {
        if (c == '-' || c == '_' || n == 3) break;
        lang[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> words{{
        {"de", "und"},
        {"en", "and"},
        {"es", "y"},
        {"fr", "et"},
        {"it", "e"},
        {"nl", "en"},
        {"pt", "e"},
    }};
    const std::string_view language(lang, n);
    for (const auto& [code, word] : words)
        if (code == language) return word;
    return "and";
}

std::string nl_join(const std::vector<std::string>& items, std::string_view locale) {
    if (items.empty()) return {};
    std::string out = items.front();
    for (std::size_t i = 1; i + 1 < items.size(); ++i) out += ", " + items[i];
    if (items.size() > 1) {
        out += ' ';
        out += nl_and(locale);
        out += ' ';
        out += items.back();
    }
    return out;
}

}  // namespace skill
