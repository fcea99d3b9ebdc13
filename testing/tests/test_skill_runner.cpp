// The kit itself: invocation builder, runner error mapping, dialogue session carry-over,
// fake persistence semantics and error injection, matchers.
#include <skill/skill.hpp>
#include <skill/sleep.hpp>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>

using namespace skill::testing;
using skill::Context;
using skill::Response;
using skill::Task;

namespace {

Task<Response> count_turns(Context& ctx) {
    auto& session = ctx.session_attributes();
    const int turn = session.count("turn") ? std::stoi(session["turn"]) + 1 : 1;
    session["turn"] = std::to_string(turn);
    co_return skill::ask("turn " + std::to_string(turn) + (ctx.new_session() ? " (new)" : ""))
        .with_card({.title_text = "Turns"});
}

Task<Response> echo_slots(Context& ctx) {
    auto cities = ctx.slots("city");
    std::string text = ctx.locale() + ":" + std::string(ctx.token("cvi").value_or("-")) + ":" +
                       std::to_string(ctx.slot_or<int>("n", 0));
    for (const auto& c : cities) text += ":" + c;
    co_return skill::tell(text);
}

Task<Response> throws(Context&) {
    throw std::runtime_error("boom");
    co_return skill::tell("unreachable");
}

Task<Response> merge(Context& ctx) {
    skill::Document update{{"a", 2}, {"b", 2}};
    auto stored = co_await ctx.persistence().set(std::move(update), false);
    co_return skill::tell(std::to_string(stored["a"].value_or(0)) + std::to_string(stored["b"].value_or(0)));
}

Task<Response> handled(Context& ctx) {
    try {
        co_await ctx.persistence().get();
        co_return skill::tell("fine");
    } catch (const skill::PersistenceError& e) {
        co_return skill::tell(std::string("handled ") + std::string(skill::to_string(e.code())));
    }
}

// Reads configuration values of every kind: the text lists what it found.
Task<Response> read_configuration(Context& ctx) {
    std::string text;
    for (const char* key : {"team", "feature", "stuff", "limits", "absent"}) {
        text += std::string(key) + "=";
        for (const auto& v : ctx.configuration(key)) text += v.to_json_text() + ";";
        text += " ";
    }
    const auto& feature = ctx.configuration("feature");
    const bool on = !feature.empty() && feature.front().value_or(false);
    co_return skill::tell(text + (on ? "on" : "off"));
}

const skill::IntentRegistry& registry() {
    static const skill::IntentRegistry r = [] {
        skill::IntentRegistry r;
        r.add("TURNS", count_turns);
        r.add("ECHO", echo_slots);
        r.add("THROWS", throws);
        r.add("MERGE", merge);
        r.add("HANDLED", handled);
        r.add("CONFIG", read_configuration);
        return r;
    }();
    return r;
}

}  // namespace

TEST_CASE("an invocation in one line reaches the handler with its slots, locale and token") {
    SkillRunner skill(registry());
    auto reply = skill.run(invocation("ECHO").slots({{"city", "Bonn"}, {"city", "Köln"}, {"n", "7"}})
                               .locale("en").token("tok"));
    CHECK_THAT(reply, IsTell() && SaysText("en:tok:7:Bonn:Köln"));
}

TEST_CASE("the builder writes the SPI 1.4.1 wire form") {
    auto body = boost::json::parse(invocation("X").slot("n", "1").session("s-9", {{"k", "v"}}, false).json());
    CHECK(body.at("context").at("intent") == "X");
    CHECK(body.at("context").at("attributes").at("n").at(0) == "1");
    CHECK(body.at("context").at("attributesV2").at("n").at(0).at("value") == "1");
    CHECK(body.at("session").at("new") == false);
    CHECK(body.at("session").at("attributes").at("k") == "v");
}

TEST_CASE("configuration values of any JSON kind reach the handler through the wire form") {
    SkillRunner skill(registry());
    auto in = invocation("CONFIG")
                  .configuration("team", "1860")
                  .configuration("feature", true)
                  .configuration("stuff", std::string("item-1"))
                  .configuration("stuff", std::string_view("item-2"))
                  .configuration("limits", skill::Document{{"max", 3}})
                  .configuration("limits", nullptr)
                  .configuration("limits", 2.5)
                  .configuration("limits", 0);  // an int, not a null string pointer
    auto body = boost::json::parse(in.json());
    CHECK(body.at("context").at("configuration") ==
          boost::json::parse(R"({"team":["1860"],"feature":[true],"stuff":["item-1","item-2"],)"
                             R"("limits":[{"max":3},null,2.5,0]})"));
    CHECK_THAT(skill.run(in),
               SaysText(R"(team="1860"; feature=true; stuff="item-1";"item-2"; )"
                        R"(limits={"max":3};null;2.5E0;0; absent= on)"));
}

TEST_CASE("a dialogue carries session attributes and is new only on its first turn") {
    SkillRunner skill(registry());
    Dialogue talk(skill);
    CHECK_THAT(talk.say("TURNS"), IsAsk() && SaysText("turn 1 (new)") && HasCard("Turns") &&
                                      HasSessionAttribute("turn", "1"));
    CHECK_THAT(talk.say("TURNS"), SaysText("turn 2") && HasSessionAttribute("turn", "2"));
    CHECK(talk.session_attributes().at("turn") == "2");
    CHECK(talk.turns() == 2);
}

TEST_CASE("errors are mapped as in production") {
    SkillRunner skill(registry());
    CHECK_THAT(skill.run(invocation("NOPE")), IsError(1));
    auto bad_slot = skill.run(invocation("ECHO").slot("n", "seven"));
    CHECK_THAT(bad_slot, IsError(3));
    CHECK(bad_slot.status == 400);
    auto thrown = skill.run(invocation("THROWS"));
    CHECK_THAT(thrown, IsError(999));
    CHECK(thrown.detail() == "boom");  // debug is on in tests
    CHECK_THAT(skill.run(std::string_view("{not json")), IsError(3));
}

TEST_CASE("run_handler runs a handler that is registered nowhere") {
    CHECK_THAT(run_handler(&echo_slots, invocation("ANY").token("t")), SaysText("de:t:0"));
}

TEST_CASE("the fake merges with replace = false and keys data by user") {
    SkillRunner skill(registry());
    skill.persistence().put("anna", {{"a", 1}});
    CHECK_THAT(skill.run(invocation("MERGE").token("anna")), SaysText("12"));
    CHECK_THAT(skill.run(invocation("MERGE").token("bob")), SaysText("22"));
}

TEST_CASE("injected failures reach the handler as typed errors, for the next call only") {
    SkillRunner skill(registry());
    skill.persistence().fail_next(skill::PersistenceErrc::circuit_open);
    CHECK_THAT(skill.run(invocation("HANDLED")), SaysText("handled circuit_open"));
    CHECK_THAT(skill.run(invocation("HANDLED")), SaysText("fine"));
    CHECK(skill.persistence().calls() == 2);
}

TEST_CASE("without persistence the handler sees 'unavailable'") {
    SkillRunner skill(registry());
    skill.disable_persistence();
    CHECK_THAT(skill.run(invocation("HANDLED")), SaysText("handled unavailable"));
}

TEST_CASE("a handler that waits past its deadline is a 504 code 4") {
    skill::IntentRegistry registry;
    registry.add("SLOW", [](skill::Context&) -> skill::Task<skill::Response> {
        auto waiting = skill::sleep_for(std::chrono::seconds(5));
        co_await std::move(waiting);
        co_return skill::tell("never");
    });
    SkillRunner skill(registry, RunnerOptions{.timeout = std::chrono::milliseconds(50)});
    CHECK_THAT(skill.run(invocation("SLOW")), IsError(4));
}

TEST_CASE("SkillRunner refuses a registry with an intent registered twice, as the binary does") {
    skill::IntentRegistry registry;
    registry.add("TURNS", &count_turns);
    registry.add("TURNS", &echo_slots);
    try {
        SkillRunner runner(registry);
        FAIL("the runner accepted a duplicate registration");
    } catch (const skill::ConfigError& e) {
        CHECK(std::string(e.what()).find("intent 'TURNS' is registered twice") != std::string::npos);
    }
}
