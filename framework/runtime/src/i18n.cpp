#include "i18n.hpp"

#include <filesystem>
#include <skill/config.hpp>
#include <skill/log.hpp>

namespace skill::runtime {

std::string catalog_dir(const Settings::I18n& i18n) {
    namespace fs = std::filesystem;
    if (!i18n.dir.empty()) return i18n.dir;
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const auto& dir :
         {exe.parent_path() / "locale", exe.parent_path().parent_path() / "share" / "locale"})
        if (fs::is_directory(dir / ".", ec)) return dir.string();
    return {};
}

Translations load_translations(Settings& settings) {
    TranslationOptions options;
    options.dir = catalog_dir(settings.i18n);
    options.domain = settings.i18n.domain.empty() ? settings.skill.name : settings.i18n.domain;
    options.default_locale = settings.skill.locales.front();
    options.strict = settings.i18n.strict;
    if (settings.skill.locales_given) options.locales = settings.skill.locales;
    auto translations = Translations::load(options);
    if (translations.has_catalogs()) {
        settings.skill.locales = translations.locales();
        log::info("i18n", "catalogs loaded",
                  {{"dir", options.dir},
                   {"domain", options.domain},
                   {"locales", static_cast<std::int64_t>(translations.locales().size())},
                   {"default", translations.default_locale()}});
    } else if (!settings.i18n.dir.empty()) {
        // Set on purpose but nothing there: a wrong path or domain, not a skill without texts.
        throw ConfigError("[i18n] dir = '" + settings.i18n.dir +
                          "': no catalog <lang>/LC_MESSAGES/" + options.domain + ".mo in it");
    }
    return translations;
}

}  // namespace skill::runtime
