// SET_NAME_INTENT: stores the name slot, then greets with it.
#include "greeting.hpp"

SKILL_INTENT("SET_NAME_INTENT") {
    auto name = ctx.slot("name");
    if (!name) co_return skill::ask_freetext("Sorry, what's your name?");
    // A named object, not a braced temporary inside co_await (GCC 12, docs/testing.md).
    skill::Document data{{"name", *name}};
    co_await ctx.persistence().set(std::move(data));
    co_return co_await greeter::greeting(ctx);
}
