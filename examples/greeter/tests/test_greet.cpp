// Greeter handlers in process: one-line invocations, a dialogue, the fake persistence.
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

TEST_CASE("a stranger is asked for a name") {
    SkillRunner skill;
    CHECK_THAT(skill.run(invocation("GREET_INTENT").token("anna")),
               IsAskFreetext() && SaysText("Hello! What's your name?"));
}

TEST_CASE("a known user is greeted by name in the invocation's locale") {
    SkillRunner skill;
    skill.persistence().put("anna", {{"name", "Anna"}});
    CHECK_THAT(skill.run(invocation("GREET_INTENT").token("anna").locale("de")),
               IsTell() && SaysText("Hallo, Anna!") && HasCard("Greeter"));
}

TEST_CASE("the dialogue stores the name and counts greetings in the session") {
    SkillRunner skill;
    Dialogue anna(skill, "anna", "en");
    CHECK_THAT(anna.say("GREET_INTENT"), IsAskFreetext() && HasSessionAttribute("greetings", "1"));
    CHECK_THAT(anna.say("SET_NAME_INTENT", {{"name", "Anna"}}),
               SaysText("Hello, Anna!") && HasSessionAttribute("greetings", "2"));
    CHECK_THAT(anna.say("GREET_INTENT"), HasSessionAttribute("greetings", "3"));
    CHECK(skill.persistence().data("anna")["name"].as_string() == "Anna");
}

TEST_CASE("SET_NAME without a name asks again") {
    SkillRunner skill;
    CHECK_THAT(skill.run(invocation("SET_NAME_INTENT")), IsAskFreetext());
}
