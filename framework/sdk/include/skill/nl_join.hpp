#pragma once
// Lists for speech: {"Anna", "Ben", "Cem"} -> "Anna, Ben and Cem" (en), "Anna, Ben und Cem"
// (de), "Anna, Ben et Cem" (fr).
#include <string>
#include <string_view>
#include <vector>

namespace skill {

/// Joins `items` with ", " and the locale's "and" before the last one. `locale` is a tag
/// like "de", "de-AT" or "fr_FR": its language picks the word (en, de, fr, es, it, nl, pt;
/// any other language gets English "and"). No items: "".
std::string nl_join(const std::vector<std::string>& items, std::string_view locale);

/// The word nl_join puts before the last item ("and", "und", "et", ...).
std::string_view nl_and(std::string_view locale) noexcept;

}  // namespace skill
