// The intents of __SKILL__. Add one SKILL_INTENT per intent; see the SDK's docs/handlers.md.
#include <skill/skill.hpp>

SKILL_INTENT("__INTENT__") {
    auto name = ctx.slot("name").value_or("there");
    co_return skill::tell("Hello, " + name + "!");
}
