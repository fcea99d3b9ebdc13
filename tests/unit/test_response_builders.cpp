// The Response builders: tell/ask/ask_freetext and the chainable with_* setters.
#include <skill/json.hpp>
#include <skill/response.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

namespace json = boost::json;

TEST_CASE("builders set type and text") {
    CHECK(skill::tell("a").type == skill::ResponseType::tell);
    CHECK(skill::ask("b").type == skill::ResponseType::ask);
    CHECK(skill::ask_freetext("c").type == skill::ResponseType::ask_freetext);
    CHECK(skill::ask_freetext("c").text == "c");
    const auto r = skill::tell("x");
    CHECK_FALSE(r.card);
    CHECK_FALSE(r.result);
    CHECK_FALSE(r.push_notification);
    CHECK(r.session_attributes.empty());
}

TEST_CASE("with_kit creates the result and puts the kit in use_kit") {
    const auto r = skill::tell("x").with_kit({"audio_player", "play_stream", {{"url", "u"}}});
    REQUIRE(r.result);
    CHECK(r.result->local);
    CHECK(skill::json_of(r.result->data) ==
          json::parse(R"({"use_kit":{"kit_name":"audio_player","action":"play_stream",
                                     "parameters":{"url":"u"}}})"));
}

TEST_CASE("a second with_kit replaces the first and keeps other result parts") {
    auto r = skill::tell("x");
    r.with_delayed_task({.intent = "LATER", .offset = "PT1M"});
    r.with_kit({"timer", "set_timer", {}});
    r.result->data = r.result->data.with("other", 1);
    r.with_kit({"system", "stop", {}});
    REQUIRE(r.result);
    CHECK(r.result->data["use_kit"]["kit_name"].as_string() == "system");
    CHECK(r.result->data["use_kit"]["action"].as_string() == "stop");
    CHECK(r.result->data["other"].as_int() == 1);
    REQUIRE(r.result->delayed_client_task);
    CHECK(r.result->delayed_client_task->intent == "LATER");
}

TEST_CASE("with_delayed_task creates the result with default reference") {
    const auto r = skill::ask("x").with_delayed_task({.intent = "X", .offset = "PT10S"});
    REQUIRE(r.result);
    REQUIRE(r.result->delayed_client_task);
    CHECK(r.result->delayed_client_task->reference == "SPEECH_END");
    CHECK(r.result->delayed_client_task->offset == "PT10S");
    CHECK(r.result->data.empty());
}

TEST_CASE("card, push notification and session setters") {
    auto r = skill::tell("x")
                 .with_card({.title_text = "T"})
                 .with_push_notification("dev", "msg")
                 .with_session("k", "1")
                 .with_session("k", "2");
    REQUIRE(r.card);
    CHECK(r.card->title_text == "T");
    REQUIRE(r.push_notification);
    CHECK(r.push_notification->target_name == "dev");
    CHECK(r.push_notification->message_payload == "msg");
    CHECK(r.session_attributes.at("k") == "2");
}

TEST_CASE("lvalue chaining modifies the same object") {
    auto r = skill::tell("x");
    auto& same = r.with_card({.text = "c"}).with_session("a", "b");
    CHECK(&same == &r);
    CHECK(r.card->text == "c");
    CHECK(r.session_attributes.size() == 1);
}
