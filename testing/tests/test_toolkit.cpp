// The handler author's toolkit through the test kit: time with a fixed clock, the skill's own
// config, hooks (before/after/error/ready) registered with the SKILL_* macros, re-prompts
// over a dialogue, typed kits and cards as the platform receives them.
#include <atomic>
#include <chrono>
#include <skill/skill.hpp>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>
#include <skill/time.hpp>
#include <string>

using namespace skill::testing;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> warmed{false};
std::atomic<int> answered{0};

// 2026-03-29 00:30 UTC: Berlin is at 01:30 CET, half an hour before its clocks jump.
const sys_seconds before_dst = sys_days{year{2026} / 3 / 29} + 30min;

}  // namespace

SKILL_INTENT("CLOCK_INTENT") {
    auto now = ctx.now();
    const skill::Date today = ctx.today();
    co_return skill::tell(std::string(ctx.timezone()) + " " +
                          std::to_string(now.time_of_day().hours().count()) + ":" +
                          std::to_string(now.time_of_day().minutes().count()) + " " +
                          std::to_string(static_cast<unsigned>(today.day())) + " " +
                          std::to_string(now.utc_offset().count()));
}

SKILL_INTENT("CONFIG_INTENT") {
    const auto& config = ctx.config();
    const int pizzas = config.get_or<int>("pizza", "max", 3);
    const bool sizes = config.get<bool>("pizza", "sizes").value_or(false);
    const auto framework = config.get("skill", "id");  // private: std::nullopt
    co_return skill::tell(std::to_string(pizzas) + " " + (sizes ? "sizes" : "one size") + " " +
                          (framework ? "leaked" : "private"));
}

SKILL_INTENT("SIZE_INTENT") {
    auto size = ctx.slot("size");
    if (!size) co_return skill::reprompt(ctx, "Which size?", "Let's try another time.", 2);
    skill::reset_reprompt(ctx);
    co_return skill::tell("A " + *size + " pizza.");
}

SKILL_INTENT("REMEMBER_INTENT") {
    auto data = co_await ctx.persistence().get();
    co_return skill::tell(data["name"].value_or(std::string("nobody")));
}

SKILL_INTENT("BROKEN_INTENT") {
    throw std::runtime_error("not handled by any hook");
    co_return skill::tell("unreachable");
}

SKILL_INTENT("RADIO_INTENT") {
    co_return skill::tell("Bayern 3.")
        .with_kit(skill::kit::audio_player::play_stream("https://radio.example/b3"))
        .with_card(
            skill::Card{.title_text = "Radio", .list_sections = {{"Now", {{"Song", ""}}}}}
                .with_action("Open", skill::card_action::open_app("de.radio", "radio://", "42")))
        .with_delayed_task(skill::client_task("RADIO_STOP", {}, "radio-skill").after(30min));
}

SKILL_BEFORE {
    if (ctx.slot("blocked")) return skill::tell("You are blocked.");
    return std::nullopt;
}

SKILL_AFTER {
    ++answered;
    response.with_session("answered", "yes");
}

SKILL_ON_ERROR(skill::PersistenceError) {
    return skill::tell("Sorry, my memory is away (" + std::string(skill::to_string(error.code())) +
                       ").");
}

SKILL_READY {
    return warmed.load();
}

TEST_CASE("ctx.now() and ctx.today() in the user's zone, from a fixed clock") {
    SkillRunner skill;
    skill.fix_clock(before_dst);
    auto berlin = skill.run(invocation("CLOCK_INTENT").timezone("Europe/Berlin"));
    CHECK(berlin.text() == "Europe/Berlin 1:30 29 3600");
    skill.fix_clock(before_dst + 1h);  // 03:30 CEST: the clocks jumped
    CHECK(skill.run(invocation("CLOCK_INTENT").timezone("Europe/Berlin")).text() ==
          "Europe/Berlin 3:30 29 7200");
    CHECK(skill.run(invocation("CLOCK_INTENT").timezone("America/New_York")).text() ==
          "America/New_York 21:30 28 -14400");  // still yesterday there
    // No zone, an unknown one: the default, UTC unless [skill] timezone names another.
    CHECK(skill.run(invocation("CLOCK_INTENT")).text() == "UTC 1:30 29 0");
    CHECK(skill.run(invocation("CLOCK_INTENT").timezone("Mars/Olympus")).text() == "UTC 1:30 29 0");
    skill.config("skill", "timezone", "Asia/Tokyo");
    skill.fix_clock(before_dst);
    CHECK(skill.run(invocation("CLOCK_INTENT").timezone("Mars/Olympus")).text() ==
          "Asia/Tokyo 9:30 29 32400");
    // The system clock again: today is a real date.
    skill.fix_clock(std::nullopt);
    CHECK(skill.run(invocation("CLOCK_INTENT")).ok());
}

TEST_CASE("[skill] timezone must be a zone the tzdata knows") {
    SkillRunner skill;
    skill.config("skill", "timezone", "Europe/Atlantis");
    CHECK_THROWS_WITH(skill.run(invocation("CLOCK_INTENT")),
                      Catch::Contains("[skill] timezone = 'Europe/Atlantis'"));
}

TEST_CASE("ctx.config(): the skill's own sections, typed; the framework's stay private") {
    SkillRunner skill;
    CHECK(skill.run(invocation("CONFIG_INTENT")).text() == "3 one size private");
    skill.config("pizza", "max", "5");
    skill.config("pizza", "sizes", "yes");
    CHECK(skill.run(invocation("CONFIG_INTENT")).text() == "5 sizes private");
    skill.config("pizza", "max", "many");  // a bad value: the handler's ConfigError is a 500
    auto bad = skill.run(invocation("CONFIG_INTENT"));
    CHECK(bad.status == 500);
    CHECK_THAT(bad.detail(), Catch::Contains("[pizza] max = 'many': expected an integer"));
}

TEST_CASE("hooks: a before hook answers instead, after hooks see every answer") {
    SkillRunner skill;
    const int before = answered.load();
    auto blocked = skill.run(invocation("CONFIG_INTENT").slot("blocked", "1"));
    CHECK(blocked.text() == "You are blocked.");
    CHECK(blocked.session_attributes().at("answered") == "yes");
    auto normal = skill.run(invocation("CONFIG_INTENT"));
    CHECK(normal.text() == "3 one size private");
    CHECK(normal.session_attributes().at("answered") == "yes");
    CHECK(answered.load() == before + 2);
}

TEST_CASE("an error hook turns a PersistenceError into a spoken answer; others map as before") {
    SkillRunner skill;
    skill.persistence().fail_next(skill::PersistenceErrc::unavailable);
    auto sorry = skill.run(invocation("REMEMBER_INTENT"));
    CHECK(sorry.status == 200);
    CHECK(sorry.text() == "Sorry, my memory is away (unavailable).");
    CHECK_FALSE(sorry.persistence_failed);  // handled: no apology counted
    CHECK(sorry.session_attributes().at("answered") == "yes");
    auto broken = skill.run(invocation("BROKEN_INTENT"));
    CHECK(broken.status == 500);
    CHECK(broken.error_code() == 999);
}

TEST_CASE("a ready hook keeps readiness false until the skill is warm") {
    SkillRunner skill;
    warmed = false;
    CHECK_FALSE(skill.ready());
    warmed = true;
    CHECK(skill.ready());
}

TEST_CASE("re-prompt over a dialogue: twice ASK, then TELL; an answer resets it") {
    SkillRunner skill;
    Dialogue dialogue(skill);
    CHECK(dialogue.say(invocation("SIZE_INTENT")).type() == skill::ResponseType::ask);
    CHECK(dialogue.say(invocation("SIZE_INTENT")).type() == skill::ResponseType::ask);
    auto last = dialogue.say(invocation("SIZE_INTENT"));
    CHECK(last.type() == skill::ResponseType::tell);
    CHECK(last.text() == "Let's try another time.");
    CHECK(dialogue.session_attributes().count("SIZE_INTENT_reprompt_count") == 0);

    Dialogue answered_once(skill);
    CHECK(answered_once.say("SIZE_INTENT").type() == skill::ResponseType::ask);
    CHECK(answered_once.session_attributes().at("SIZE_INTENT_reprompt_count") == "1");
    CHECK(answered_once.say("SIZE_INTENT", {{"size", "large"}}).text() == "A large pizza.");
    CHECK(answered_once.session_attributes().count("SIZE_INTENT_reprompt_count") == 0);
}

TEST_CASE("kits, cards and delayed tasks as the platform receives them") {
    SkillRunner skill;
    auto reply = skill.run(invocation("RADIO_INTENT"));
    REQUIRE(reply.kit());
    CHECK(reply.kit()->kit_name == "audio_player");
    CHECK(reply.kit()->parameters["url"].value_or(std::string()) == "https://radio.example/b3");
    REQUIRE(reply.card());
    CHECK(reply.card()->action ==
          "internal://deeplink/openapp?aos=de.radio&iosScheme=radio%3A%2F%2F&iosAppStoreId=42");
    CHECK(reply.card()->list_sections.at(0).items.at(0).title == "Song");
    REQUIRE(reply.delayed_task());
    CHECK(reply.delayed_task()->skill_id == "radio-skill");
    CHECK(reply.delayed_task()->offset == "PT30M");
}
