// GREET_INTENT: greets a known user by name and counts the greetings of this session.
#include "greeting.hpp"

namespace greeter {

skill::Task<skill::Response> greeting(skill::Context& ctx) {
    auto& session = ctx.session_attributes();
    const auto previous = ctx.new_session() ? std::nullopt : skill::slot_text::integer(session["greetings"]);
    session["greetings"] = std::to_string(previous.value_or(0) + 1);

    auto data = co_await ctx.persistence().get();
    auto name = data["name"].as_string();
    if (!name) co_return skill::ask_freetext("Hello! What's your name?");
    std::string text = (ctx.locale() == "de" ? "Hallo, " : "Hello, ") + *name + "!";
    co_return skill::tell(text).with_card({.title_text = "Greeter", .text = text});
}

}  // namespace greeter

SKILL_INTENT("GREET_INTENT") {
    try {
        co_return co_await greeter::greeting(ctx);
    } catch (const skill::PersistenceError&) {
        // Degrade instead of apologising: a greeting without a name is still a greeting.
        co_return skill::tell("Hello!");
    }
}
