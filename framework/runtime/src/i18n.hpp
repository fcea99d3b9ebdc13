#pragma once
// The skill's catalogs as the Engine loads them at start-up (docs/localisation.md).
#include <skill/translations.hpp>

#include "settings.hpp"

namespace skill::runtime {

/// Where the catalogs are: [i18n] dir, else <exe dir>/locale (the build tree, next to the
/// binary), else <exe dir>/../share/locale (an installed prefix); "" when none exists.
std::string catalog_dir(const Settings::I18n& i18n);

/// Loads the catalogs of [i18n] domain for [skill] locales (the first is the default
/// language) and, when there are catalogs, makes `settings.skill.locales` the locales served
/// (/info supportedLocales). Throws ConfigError (see Translations::load), also when [i18n] dir
/// is set and holds no catalog of the domain.
Translations load_translations(Settings& settings);

}  // namespace skill::runtime
