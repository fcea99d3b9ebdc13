// Fixture for skill_check_handlers: the conditional form (line 9) must fail.
#include <skill/skill.hpp>

skill::Task<skill::Response> a(skill::Context&);
skill::Task<skill::Response> b(skill::Context&);

SKILL_INTENT("BAD_TERNARY") {
    bool flag = ctx.slot("flag").has_value();
    co_return co_await (flag ? a(ctx) : b(ctx));
}
