// The seed dialogue of persistence-service.md, against the hello skill's real handlers:
// in memory, with injected persistence failures, and against the real persistence stub.
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

using namespace skill::testing;

TEST_CASE("HELLO: a stranger is asked for a name, then greeted by it from then on") {
    SkillRunner skill(RunnerOptions{.skill_id = "hello", .locale_dir = HELLO_LOCALE_DIR});
    Dialogue anna(skill, "anna", "en");

    CHECK_THAT(anna.say("HELLO_INTENT"),
               IsAskFreetext() && SaysText("Oh, we haven't met yet. What's your name?"));
    CHECK_THAT(anna.say("HELLO_INTENT_REPROMPT", {{"name", "Anna"}}),
               IsTell() && SaysText("Hello, Anna! It's awesome today!"));
    CHECK_THAT(anna.say("HELLO_INTENT"), SaysText("Hello, Anna! It's awesome today!"));

    // Another user is a stranger still: the token is the user.
    Dialogue bob(skill, "bob", "en");
    CHECK_THAT(bob.say("HELLO_INTENT"), IsAskFreetext());
    CHECK(skill.persistence().data("anna")["name"].as_string() == "Anna");
}

TEST_CASE("HELLO: the same dialogue in German: the locale picks the catalog, turn after turn") {
    SkillRunner skill(RunnerOptions{.skill_id = "hello", .locale_dir = HELLO_LOCALE_DIR});
    Dialogue anna(skill, "anna", "de");

    CHECK_THAT(anna.say("HELLO_INTENT"),
               IsAskFreetext() && SaysText("Oh, wir kennen uns noch nicht. Wie heißt du?"));
    CHECK_THAT(anna.say("HELLO_INTENT_REPROMPT", {{"name", "Anna"}}),
               IsTell() && SaysText("Hallo, Anna! Heute ist ein großartiger Tag!"));
    // The same user in English: the stored name, the other catalog.
    CHECK_THAT(skill.run(invocation("HELLO_INTENT").token("anna").locale("en")),
               SaysText("Hello, Anna! It's awesome today!"));
    CHECK_THAT(skill.run(invocation("UNKNOWN_INTENT").locale("de")),
               SaysText("Entschuldigung, ich kann nur Hallo sagen."));
}

TEST_CASE("HELLO: the reprompt answers from the session's cache (one GET, one POST)") {
    SkillRunner skill(RunnerOptions{.skill_id = "hello", .locale_dir = HELLO_LOCALE_DIR});
    skill.run(invocation("HELLO_INTENT_REPROMPT").slot("name", "Anna").token("anna"));
    using Op = skill::PersistenceTransport::Operation;
    CHECK(skill.persistence().operations() == std::vector<Op>{Op::set});
}

TEST_CASE("HELLO: an unavailable persistence service gets the apology, not an error") {
    SkillRunner skill(RunnerOptions{
        .skill_id = "hello", .unavailable_text = "Try later.", .locale_dir = HELLO_LOCALE_DIR});
    skill.persistence().fail_next(skill::PersistenceErrc::timeout);
    auto reply = skill.run(invocation("HELLO_INTENT").token("anna"));
    CHECK_THAT(reply, IsTell() && SaysText("Try later."));
    CHECK(reply.persistence_failed);
    // The failure was for one call only.
    CHECK_THAT(skill.run(invocation("HELLO_INTENT").token("anna")), IsAskFreetext());
}

TEST_CASE("HELLO: a persistence call slower than the deadline times out in time: the apology") {
    // 500 ms: the call ends at the deadline less a tenth (50 ms) to answer in; with a 50 ms
    // timeout the 5 ms left were too little on a loaded 2-core machine (a 504 instead).
    SkillRunner skill(RunnerOptions{.skill_id = "hello",
                                    .timeout = std::chrono::milliseconds(500),
                                    .locale_dir = HELLO_LOCALE_DIR});
    skill.persistence().delay_next(std::chrono::seconds(5));
    auto reply = skill.run(invocation("HELLO_INTENT"));
    CHECK_THAT(reply, IsTell());
    CHECK(reply.persistence_failed);
}

TEST_CASE("HELLO: the same dialogue against the real persistence stub, across its restart") {
    PersistenceStub stub;
    SkillRunner skill(RunnerOptions{.skill_id = "hello", .locale_dir = HELLO_LOCALE_DIR});
    skill.use_persistence_url(stub.url());
    Dialogue anna(skill, stub.token("anna", "hello"), "en");

    CHECK_THAT(anna.say("HELLO_INTENT"), IsAskFreetext());
    CHECK_THAT(anna.say("HELLO_INTENT_REPROMPT", {{"name", "Anna"}}), SaysText("Hello, Anna! It's awesome today!"));

    stub.restart();  // new port, same database
    skill.use_persistence_url(stub.url());
    CHECK_THAT(anna.say("HELLO_INTENT"), SaysText("Hello, Anna! It's awesome today!"));
}
