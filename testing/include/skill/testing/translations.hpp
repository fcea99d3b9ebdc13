#pragma once
// Checks a skill's gettext catalogs against the keys its code uses (docs/localisation.md):
//
//   CHECK(skill::testing::translation_problems(POT_FILE, PO_DIR, "de") == "");
//
// POT_FILE is what skill_add_translations() extracted from the sources with xgettext
// ($<TARGET_PROPERTY:handlers,SKILL_POT_FILE>), PO_DIR the directory of the <lang>.po files
// ($<TARGET_PROPERTY:handlers,SKILL_PO_DIR>). A failing CHECK prints one line per problem.
#include <string>

namespace skill::testing {

/// One line per problem, "" when there is none:
///   - a key the code uses that a catalog lacks, leaves untranslated or marks fuzzy (msgfmt
///     drops fuzzy entries: the user would hear the key);
///   - tr_n() keys that are not a plural entry, or whose entry has another number of forms
///     than the catalog's Plural-Forms nplurals;
///   - a translation whose placeholders ({name}, {0}; all forms together) differ from the
///     `default_language` catalog's for the same key;
///   - a catalog key no code uses (dead text), an unreadable file.
/// What it cannot see, a call that passes too few arguments, the SkillRunner's strict
/// translations find when a test runs that call.
std::string translation_problems(const std::string& pot_file, const std::string& po_dir,
                                 const std::string& default_language);

}  // namespace skill::testing
