// Fixture for skill_check_handlers: the braced temporaries (lines 6, 8 and 11) must fail.
#include <skill/skill.hpp>

SKILL_INTENT("BAD_BRACED") {
    std::string n = ctx.slot("name").value_or("Anna");
    co_await ctx.persistence().set({{"name", n}});
    auto answer = co_await ctx.partner("shop").post("/orders",
                                                   skill::Document{{"item", "pizza"}});
    co_await ctx.persistence().set(
        std::move(answer),
        {true});
    co_return skill::tell("stored " + n);
}
