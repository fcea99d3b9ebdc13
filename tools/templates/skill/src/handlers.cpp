// The intents of __SKILL__. Add one SKILL_INTENT per intent; see the SDK's docs/handlers.md.
// Texts are keys of the catalogs in po/, answered in the invocation's locale
// (docs/localisation.md).
#include <skill/skill.hpp>

SKILL_INTENT("__INTENT__") {
    if (auto name = ctx.slot("name")) co_return skill::tell(ctx.tr("GREETING", skill::arg("name", *name)));
    co_return skill::tell(ctx.tr("GREETING_STRANGER"));
}
