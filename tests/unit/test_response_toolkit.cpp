// The response toolkit: every card field and its actions, typed kits, delayed client tasks,
// re-prompts and nl_join, written by the runtime's writer (protocol.md §3).
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <skill/card_action.hpp>
#include <skill/kits.hpp>
#include <skill/nl_join.hpp>
#include <skill/reprompt.hpp>
#include <skill/skill.hpp>
#include <stdexcept>
#include <string>

#include "response_writer.hpp"

using namespace std::chrono_literals;
namespace json = boost::json;
using skill::runtime::write_response;

namespace {

json::value parsed(const skill::Response& r) {
    return json::parse(write_response(r));
}

json::value kit_of(skill::KitAction kit) {
    return parsed(skill::tell("x").with_kit(std::move(kit))).at("result").at("data").at("use_kit");
}

skill::Context context(std::string intent, std::map<std::string, std::string> session = {}) {
    skill::Invocation in;
    in.intent = std::move(intent);
    in.locale = "en";
    in.session = skill::Session{"s-1", false, std::move(session)};
    return skill::Context(std::move(in));
}

}  // namespace

TEST_CASE("protocol.md's response example, built with the typed helpers, verbatim") {
    // /work/shared/docs/protocol.md §3, character for character (JSON equality).
    const auto example = json::parse(R"({"type": "ASK", "text": "What's your name?",
 "card": {"type": "GENERIC_DEFAULT", "version": 1,
          "data": {"titleText": "Hello", "text": "...", "subText": "...", "iconUrl": "...",
                   "action": "internal://showResponseText", "actionText": "..."}},
 "result": {"data": {"use_kit": {"kit_name": "audio_player", "action": "play_stream",
                                 "parameters": {"url": "https://..."}}},
            "local": true, "targetDeviceId": "...",
            "delayedClientTask": {"invokeData": {"intent": "X", "parameters": {}},
                                  "executionTime": {"executeAfter": {"reference": "SPEECH_END", "offset": "PT10S"}}}},
 "pushNotification": {"targetName": "device-name", "messagePayload": "..."},
 "session": {"attributes": {"key-1": "value-1"}}})");
    auto r =
        skill::ask("What's your name?")
            .with_card(skill::Card{
                .title_text = "Hello", .text = "...", .sub_text = "...", .icon_url = "..."}
                           .with_action("...", std::string(skill::card_action::show_response_text)))
            .with_kit(skill::kit::audio_player::play_stream("https://..."))
            .with_delayed_task(skill::client_task("X").after(10s))
            .with_push_notification("device-name", "...")
            .with_session("key-1", "value-1");
    r.result->target_device_id = "...";
    CHECK(parsed(r) == example);
}

TEST_CASE("a card sends every field of the SPI card, empty ones left out") {
    skill::Card card{.title_text = "Pizza Roma",
                     .type_description = "Restaurant",
                     .prominent_text = "Open",
                     .text = "Via Roma 1",
                     .sub_text = "until 23:00",
                     .icon_url = "https://example.org/i.png",
                     .list_sections = {
                         {"Menu", {{"Margherita", "https://example.org/m.png"}, {"Diavola", ""}}}}};
    card.with_action("Call", skill::card_action::call("+49 (228) 12-34"), "Now");
    const auto v = parsed(skill::tell("x").with_card(card));
    CHECK(v.at("card") == json::parse(R"({"type":"GENERIC_DEFAULT","version":1,"data":{
        "titleText":"Pizza Roma","typeDescription":"Restaurant","prominentText":"Open",
        "text":"Via Roma 1","subText":"until 23:00","iconUrl":"https://example.org/i.png",
        "action":"internal://deeplink/call/+492281234","actionText":"Call","actionProminentText":"Now",
        "listSections":[{"title":"Menu","items":[{"title":"Margherita","iconUrl":"https://example.org/m.png"},
                                                 {"title":"Diavola"}]}]}})"));
    // Another type and version, and members the SDK does not name (the SPI allows any).
    skill::Card other{.type = "cardtype", .version = 2, .extra = {{"card-key-1", "card-value-1"}}};
    CHECK(parsed(skill::tell("x").with_card(other)).at("card") ==
          json::parse(R"({"type":"cardtype","version":2,"data":{"card-key-1":"card-value-1"}})"));
}

TEST_CASE("card actions: deeplinks are built safely, anything else is refused") {
    CHECK(skill::card_action::call("0228 1234") == "internal://deeplink/call/02281234");
    CHECK_THROWS_AS(skill::card_action::call("12"), std::invalid_argument);
    CHECK_THROWS_AS(skill::card_action::call("0228/1234?x=1"), std::invalid_argument);
    CHECK_THROWS_AS(skill::card_action::call("0228+1234"), std::invalid_argument);
    CHECK(skill::card_action::open_app("com.example.app", "example://", "12345") ==
          "internal://deeplink/"
          "openapp?aos=com.example.app&iosScheme=example%3A%2F%2F&iosAppStoreId=12345");
    CHECK(skill::card_action::open_app("a&b=c", "", "1") ==
          "internal://deeplink/openapp?aos=a%26b%3Dc&iosScheme=&iosAppStoreId=1");
    skill::Card card;
    CHECK_NOTHROW(card.with_action("News", std::string(skill::card_action::news)));
    CHECK_NOTHROW(card.with_action("Web", "https://example.org/a?b=c"));
    CHECK_THROWS_AS(card.with_action("Bad", "javascript:alert(1)"), std::invalid_argument);
    CHECK_THROWS_AS(card.with_action("Bad", "https://example.org/a b"), std::invalid_argument);
    CHECK(card.action == "https://example.org/a?b=c");  // a refused action changes nothing
}

TEST_CASE("typed kits write the kit names, actions and parameters the device reads") {
    using namespace skill::kit;
    CHECK(
        kit_of(audio_player::play_stream("https://radio.example/b3")) ==
        json::parse(
            R"({"kit_name":"audio_player","action":"play_stream","parameters":{"url":"https://radio.example/b3"}})"));
    CHECK(kit_of(audio_player::play_stream_before_text("http://r.example")).at("action") ==
          "play_stream_before_text");
    CHECK_THROWS_AS(audio_player::play_stream("file:///etc/passwd"), std::invalid_argument);
    CHECK(
        kit_of(audio_player::stop()) ==
        json::parse(
            R"({"kit_name":"audio_player","action":"stop","parameters":{"content_type":"radio","notify":{"not_playing":""}}})"));
    CHECK(kit_of(audio_player::pause(audio_player::Content::voicemail, "Nothing plays."))
              .at("parameters") ==
          json::parse(R"({"content_type":"voicemail","notify":{"not_playing":"Nothing plays."}})"));
    CHECK(kit_of(audio_player::resume()).at("parameters") ==
          json::parse(R"({"content_type":"radio"})"));
    CHECK(
        kit_of(calendar::snooze_start(300s)) ==
        json::parse(
            R"({"kit_name":"calendar","action":"snooze_start","parameters":{"snooze_seconds":300}})"));
    CHECK(kit_of(calendar::snooze_start()).at("parameters") == json::object{});
    CHECK_THROWS_AS(calendar::snooze_start(0s), std::invalid_argument);
    CHECK(kit_of(calendar::snooze_cancel()).at("action") == "snooze_cancel");
    CHECK(kit_of(system::stop(system::Activity::timer)) ==
          json::parse(R"({"kit_name":"system","action":"stop","parameters":{"skill":"Timer"}})"));
    CHECK(kit_of(system::stop()).at("parameters") == json::object{});
    for (auto [kit, action] : {std::pair{system::pause(), "pause"},
                               {system::resume(), "resume"},
                               {system::next(), "next"},
                               {system::previous(), "previous"},
                               {system::say_again(), "say_again"},
                               {system::volume_up(), "volume_up"},
                               {system::volume_down(), "volume_down"}}) {
        CHECK(kit.kit_name == "system");
        CHECK(kit.action == action);
    }
    CHECK(kit_of(system::volume_to(10)).at("parameters") == json::parse(R"({"value":10})"));
    CHECK_THROWS_AS(system::volume_to(11), std::invalid_argument);
    CHECK_THROWS_AS(system::volume_to(-1), std::invalid_argument);
    CHECK(kit_of(timer::set_timer()) ==
          json::parse(R"({"kit_name":"timer","action":"set_timer","parameters":{}})"));
    CHECK(kit_of(timer::cancel_timer()).at("action") == "cancel_timer");
}

TEST_CASE("delayed client tasks: after(offset), at(time), target skill, P0D by default") {
    auto task_of = [](skill::DelayedClientTask t) {
        return parsed(skill::tell("x").with_delayed_task(std::move(t)))
            .at("result")
            .at("delayedClientTask");
    };
    CHECK(task_of(skill::client_task("WEATHER")) ==
          json::parse(R"({"invokeData":{"intent":"WEATHER","parameters":{}},
        "executionTime":{"executeAfter":{"reference":"SPEECH_END","offset":"P0D"}}})"));
    skill::Document parameters{{"city", "Bonn"}};
    CHECK(
        task_of(skill::client_task("WEATHER", parameters, "weather-skill")
                    .after(90s, skill::TaskReference::this_response)) ==
        json::parse(
            R"({"invokeData":{"intent":"WEATHER","skillId":"weather-skill","parameters":{"city":"Bonn"}},
        "executionTime":{"executeAfter":{"reference":"THIS_RESPONSE","offset":"PT1M30S"}}})"));
    const auto at = std::chrono::sys_days{std::chrono::year{2026} / 12 / 24} + 17h + 5min + 9s;
    CHECK(task_of(skill::client_task("XMAS").at(at)) ==
          json::parse(R"({"invokeData":{"intent":"XMAS","parameters":{}},
        "executionTime":{"executeAt":"2026-12-24T17:05:09Z"}})"));
    // The older aggregate form still works, with P0D when no offset is named.
    CHECK(task_of({.intent = "X"}).at("executionTime").at("executeAfter").at("offset") == "P0D");
    CHECK_THROWS_AS(skill::client_task(""), std::invalid_argument);
}

TEST_CASE("iso_duration writes what the platform reads") {
    CHECK(skill::iso_duration(0ms) == "P0D");
    CHECK(skill::iso_duration(10s) == "PT10S");
    CHECK(skill::iso_duration(90s) == "PT1M30S");
    CHECK(skill::iso_duration(2h) == "PT2H");
    CHECK(skill::iso_duration(26h + 1s) == "P1DT2H1S");
    CHECK(skill::iso_duration(std::chrono::days{3}) == "P3D");
    CHECK(skill::iso_duration(1500ms) == "PT1.5S");
    CHECK(skill::iso_duration(10ms) == "PT0.01S");
    CHECK_THROWS_AS(skill::iso_duration(-1s), std::invalid_argument);
    // It round-trips through the slot parser.
    for (std::chrono::milliseconds d :
         std::initializer_list<std::chrono::milliseconds>{10s, 90s, 26h + 1s, 49h})
        CHECK(skill::parse_slot<skill::Duration>(skill::iso_duration(d)) ==
              std::optional<skill::Duration>(d));
}

TEST_CASE("nl_join: the locale's 'and' before the last item") {
    const std::vector<std::string> three{"Anna", "Ben", "Cem"};
    CHECK(skill::nl_join(three, "en") == "Anna, Ben and Cem");
    CHECK(skill::nl_join(three, "de") == "Anna, Ben und Cem");
    CHECK(skill::nl_join(three, "de-AT") == "Anna, Ben und Cem");
    CHECK(skill::nl_join(three, "FR_fr") == "Anna, Ben et Cem");
    CHECK(skill::nl_join(three, "es") == "Anna, Ben y Cem");
    CHECK(skill::nl_join(three, "xx") == "Anna, Ben and Cem");
    CHECK(skill::nl_join(three, "") == "Anna, Ben and Cem");
    CHECK(skill::nl_join({"Anna", "Ben"}, "de") == "Anna und Ben");
    CHECK(skill::nl_join({"Anna"}, "de") == "Anna");
    CHECK(skill::nl_join({}, "de").empty());
    CHECK(skill::nl_and("deu") == "and");  // a three-letter code is not German's two-letter one
}

TEST_CASE("reprompt: ASK up to N times, counted in the session, then a final TELL") {
    auto ctx = context("PIZZA_INTENT");
    auto first = skill::reprompt(ctx, "Which size?", "Let's try later.", 2);
    CHECK(first.type == skill::ResponseType::ask);
    CHECK(first.text == "Which size?");
    CHECK(ctx.session_attributes().at("PIZZA_INTENT_reprompt_count") == "1");
    auto second = skill::reprompt(ctx, "Which size?", "Let's try later.", 2);
    CHECK(second.type == skill::ResponseType::ask);
    CHECK(ctx.session_attributes().at("PIZZA_INTENT_reprompt_count") == "2");
    auto last = skill::reprompt(ctx, "Which size?", "Let's try later.", 2);
    CHECK(last.type == skill::ResponseType::tell);
    CHECK(last.text == "Let's try later.");
    CHECK(ctx.session_attributes().count("PIZZA_INTENT_reprompt_count") == 0);

    // Per entity, from a counter the platform sent back; a garbage counter starts again.
    auto carried = context("PIZZA_INTENT", {{"PIZZA_INTENT_size_reprompt_count", "1"}});
    CHECK(skill::reprompt(carried, "Size?", "Later.", 1, "size").type == skill::ResponseType::tell);
    auto garbage = context("PIZZA_INTENT", {{"PIZZA_INTENT_reprompt_count", "many"}});
    CHECK(skill::reprompt(garbage, "Size?", "Later.", 1, {}, skill::ResponseType::ask_freetext)
              .type == skill::ResponseType::ask_freetext);
    skill::reset_reprompt(garbage);
    CHECK(garbage.session_attributes().empty());
    CHECK_THROWS_AS(skill::reprompt(garbage, "Size?", "Later.", 0), std::invalid_argument);
}
