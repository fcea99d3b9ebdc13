#include <skill/intent.hpp>

namespace skill {

namespace {
std::string where(const std::source_location& loc) {
    return std::string(loc.file_name()) + ":" + std::to_string(loc.line());
}
}  // namespace

IntentRegistry& IntentRegistry::global() {
    // A function-local static: safe to use from other translation units' static initialisers.
    static IntentRegistry registry;
    return registry;
}

Hooks& global_hooks() {
    return IntentRegistry::global().hooks();
}

void IntentRegistry::add(std::string_view intent, IntentHandler handler, std::source_location loc) {
    auto [it, inserted] = entries_.try_emplace(std::string(intent), Entry{handler, loc});
    if (!inserted)
        duplicates_.push_back("intent '" + std::string(intent) + "' is registered twice: at " +
                              where(it->second.where) + " and at " + where(loc));
}

IntentHandler IntentRegistry::find(std::string_view intent) const {
    if (auto it = entries_.find(intent); it != entries_.end()) return it->second.handler;
    if (auto it = entries_.find(fallback_intent); it != entries_.end()) return it->second.handler;
    return nullptr;
}

std::vector<std::string> IntentRegistry::intents() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_) names.push_back(name);
    return names;
}

}  // namespace skill
