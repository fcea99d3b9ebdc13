// The reference skill: greets the user by a name kept in the persistence
// service (the seed example of persistence-service.md, in C++), in German or English:
// the texts are keys of the catalogs in po/ (docs/localisation.md).
#include <skill/skill.hpp>

namespace {

skill::Task<skill::Response> greet(skill::Context& ctx) {
    auto data = co_await ctx.persistence().get();
    if (auto name = data["name"].as_string())
        co_return skill::tell(ctx.tr("HELLO_GREETING", skill::arg("name", *name)));
    co_return skill::ask_freetext(ctx.tr("HELLO_ASK_NAME"));
}

}  // namespace

SKILL_INTENT("HELLO_INTENT") { co_return co_await greet(ctx); }

SKILL_INTENT("HELLO_INTENT_REPROMPT") {
    if (auto name = ctx.slot("name")) {
        skill::Document data{{"name", *name}};
        co_await ctx.persistence().set(std::move(data));
    }
    co_return co_await greet(ctx);  // answered from the session's cache: no second GET
}

// Counts the user's visits: one get() and one conditional set() per invocation (the
// benchmarks' persistence row). update() re-reads and retries when another visit of the
// same user wrote in between, so simultaneous visits all count (docs/persistence.md).
SKILL_INTENT("HELLO_VISIT") {
    // Named, not a lambda inside the co_await: GCC 12 (docs/handlers.md).
    auto count_visit = [](skill::Document data) {
        return data.with("visits", data["visits"].value_or<std::int64_t>(0) + 1);
    };
    auto stored = co_await ctx.persistence().update(count_visit);
    co_return skill::tell("Visit " + std::to_string(stored["visits"].value_or<std::int64_t>(0)));
}

// Anything else: a plain TELL that needs no service (also the benchmarks' TELL row).
SKILL_INTENT("FALLBACK_INTENT") { co_return skill::tell(ctx.tr("HELLO_FALLBACK")); }
