// Greeter against failing persistence (the fake's error injection) and the real stub.
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

TEST_CASE("GREET degrades to a nameless greeting when persistence is down") {
    SkillRunner skill;
    skill.persistence().fail_next(skill::PersistenceErrc::unreachable);
    CHECK_THAT(skill.run(invocation("GREET_INTENT")), IsTell() && SaysText("Hello!"));
}

TEST_CASE("SET_NAME does not handle the failure: the runtime answers with the apology") {
    SkillRunner skill(RunnerOptions{.unavailable_text = "Not now."});
    skill.persistence().fail_next(skill::PersistenceErrc::server_error);
    auto reply = skill.run(invocation("SET_NAME_INTENT").slot("name", "Anna"));
    CHECK_THAT(reply, SaysText("Not now."));
    CHECK(reply.persistence_failed);
}

TEST_CASE("a slow persistence call times out before the deadline: the apology") {
    SkillRunner skill(RunnerOptions{.timeout = std::chrono::milliseconds(100)});
    skill.persistence().delay_next(std::chrono::seconds(10));
    auto reply = skill.run(invocation("SET_NAME_INTENT").slot("name", "Anna"));
    CHECK_THAT(reply, IsTell());
    CHECK(reply.persistence_failed);
}

TEST_CASE("the name survives in the real persistence stub") {
    PersistenceStub stub;
    SkillRunner skill(RunnerOptions{.skill_id = "greeter"});
    skill.use_persistence_url(stub.url());
    const auto token = stub.token("anna", "greeter");
    skill.run(invocation("SET_NAME_INTENT").slot("name", "Anna").token(token).locale("en"));
    CHECK_THAT(skill.run(invocation("GREET_INTENT").token(token).locale("en")), SaysText("Hello, Anna!"));
}
