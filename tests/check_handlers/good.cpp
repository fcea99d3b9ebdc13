// Fixture for skill_check_handlers: every co_await here is safe and must pass.
#include <skill/skill.hpp>

namespace {
skill::Task<skill::Response> a(skill::Context&);
skill::Task<skill::Response> b(skill::Context&);
}  // namespace

SKILL_INTENT("GOOD") {
    bool flag = ctx.slot("flag").has_value();
    auto task = flag ? a(ctx) : b(ctx);  // named first: fine
    auto answer = co_await std::move(task);
    skill::Document data{{"name", "Anna"}};
    co_await ctx.persistence().set(std::move(data));
    co_await ctx.persistence().set(std::move(data), flag ? true : false);  // ?: not in ( ) after co_await
    auto stored = co_await ctx.persistence().get();
    int n = flag ? co_await a(ctx).size() : 0;
    co_await run([&] { return 1; });          // a lambda's body is not a braced initializer
    co_await run([](int x) { return x; }, 1);
    co_await run([x = 1]() mutable noexcept { return x; });
    co_await std::move(queue)[index];
    co_await skill::detail::call(ctx, n);     // ::, not a ternary
    // co_await (flag ? a(ctx) : b(ctx));       comments are ignored
    /* co_await ctx.persistence().set({{"name", "x"}}); */
    std::string text = "co_await f({1, 2}) and co_await (x ? y : z)";
    std::string raw = R"x(co_await f({")"}))x";
    char brace = '{';
    if (co_await ready(ctx)) { co_return answer; }
    co_return co_await b(ctx);
}
