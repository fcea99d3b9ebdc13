// A skill whose answer depends on the session: TURN counts the turns of a session in a
// session attribute and says the count and whether the session is new; WHO says the cvi
// token's presence. For skill-invoke's dialogue mode (tests/e2e/skill_invoke.sh).
#include <skill/skill.hpp>
#include <string>

SKILL_INTENT("TURN") {
    auto& session = ctx.session_attributes();
    const auto it = session.find("turns");
    const int turns = (it == session.end() ? 0 : std::stoi(it->second)) + 1;
    session["turns"] = std::to_string(turns);
    co_return skill::ask("turn " + std::to_string(turns) +
                         (ctx.new_session() ? " new" : " continued"));
}

SKILL_INTENT("WHO") {
    const auto token = ctx.token("cvi");
    co_return skill::tell(token ? "token of " + std::to_string(token->size()) + " bytes"
                                : "no token");
}
