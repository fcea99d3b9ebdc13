// The response writer: protocol.md §3 bodies (values and key order) and §4 error bodies.
#include "response_writer.hpp"

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <skill/json.hpp>

#include <string>
#include <vector>

using skill::runtime::error_status;
using skill::runtime::write_error;
using skill::runtime::write_response;

namespace {

namespace json = boost::json;

json::value parsed(const skill::Response& r) { return json::parse(write_response(r)); }

std::vector<std::string> keys(const json::object& o) {
    std::vector<std::string> out;
    for (const auto& kv : o) out.emplace_back(kv.key());
    return out;
}

using Keys = std::vector<std::string>;

}  // namespace

TEST_CASE("a plain tell has only type and text") {
    CHECK(write_response(skill::tell("Hello!")) == R"({"type":"TELL","text":"Hello!"})");
    CHECK(write_response(skill::ask("Name?")) == R"({"type":"ASK","text":"Name?"})");
    CHECK(write_response(skill::ask_freetext("Say")) == R"({"type":"ASK_FREETEXT","text":"Say"})");
    CHECK(write_response(skill::tell("")) == R"({"type":"TELL","text":""})");
}

TEST_CASE("the full response shape, values and key order") {
    auto r = skill::ask("What's your name?")
                 .with_card({.title_text = "Hello",
                             .text = "t",
                             .sub_text = "s",
                             .icon_url = "i",
                             .action = "internal://showResponseText",
                             .action_text = "a"})
                 .with_kit({"audio_player", "play_stream", {{"url", "https://x"}}})
                 .with_delayed_task({.intent = "X", .parameters = {}, .offset = "PT10S"})
                 .with_push_notification("device-name", "payload")
                 .with_session("key-1", "value-1");
    r.result->target_device_id = "dev";
    const auto v = parsed(r);
    const auto expected = json::parse(R"({"type": "ASK", "text": "What's your name?",
     "card": {"type": "GENERIC_DEFAULT", "version": 1,
              "data": {"titleText": "Hello", "text": "t", "subText": "s", "iconUrl": "i",
                       "action": "internal://showResponseText", "actionText": "a"}},
     "result": {"data": {"use_kit": {"kit_name": "audio_player", "action": "play_stream",
                                     "parameters": {"url": "https://x"}}},
                "local": true, "targetDeviceId": "dev",
                "delayedClientTask": {"invokeData": {"intent": "X", "parameters": {}},
                   "executionTime": {"executeAfter": {"reference": "SPEECH_END",
                                                      "offset": "PT10S"}}}},
     "pushNotification": {"targetName": "device-name", "messagePayload": "payload"},
     "session": {"attributes": {"key-1": "value-1"}}})");
    CHECK(v == expected);
    const auto& o = v.get_object();
    CHECK(keys(o) == Keys{"type", "text", "card", "result", "pushNotification", "session"});
    CHECK(keys(o.at("card").get_object()) == Keys{"type", "version", "data"});
    CHECK(keys(o.at("card").at("data").get_object()) ==
          Keys{"titleText", "text", "subText", "iconUrl", "action", "actionText"});
    CHECK(keys(o.at("result").get_object()) ==
          Keys{"data", "local", "targetDeviceId", "delayedClientTask"});
    CHECK(keys(o.at("result").at("delayedClientTask").get_object()) ==
          Keys{"invokeData", "executionTime"});
    CHECK(keys(o.at("pushNotification").get_object()) == Keys{"targetName", "messagePayload"});
}

TEST_CASE("empty card fields are left out") {
    const auto v = parsed(skill::tell("x").with_card({.title_text = "T", .action = "a"}));
    CHECK(v.at("card") ==
          json::parse(R"({"type":"GENERIC_DEFAULT","version":1,
                          "data":{"titleText":"T","action":"a"}})"));
    const auto empty = parsed(skill::tell("x").with_card({}));
    CHECK(empty.at("card").at("data") == json::object{});
}

TEST_CASE("a result without kit or task has data and local only") {
    skill::Response r = skill::tell("x");
    r.result.emplace();
    r.result->local = false;
    CHECK(parsed(r).at("result") == json::parse(R"({"data":{},"local":false})"));
}

TEST_CASE("session attributes are sent only when present") {
    CHECK_FALSE(parsed(skill::tell("x")).as_object().contains("session"));
    const auto v = parsed(skill::tell("x").with_session("a", "1").with_session("b", "2"));
    CHECK(v.at("session") == json::parse(R"({"attributes":{"a":"1","b":"2"}})"));
}

TEST_CASE("strings are escaped so the body parses back to the same text") {
    const std::string tricky = "quote\" backslash\\ nl\n tab\t cr\r ctl\x01 del\x7f ümlaut €";
    const auto v = parsed(skill::tell(tricky).with_session("k\"ey", tricky));
    CHECK(v.at("text").as_string() == tricky);
    CHECK(v.at("session").at("attributes").at("k\"ey").as_string() == tricky);
}

TEST_CASE("invalid UTF-8 from a handler is replaced, the body stays valid JSON") {
    const auto body = write_response(skill::tell("a\xff" "b\xc3"));
    const auto v = json::parse(body);  // throws if the body were not valid UTF-8
    CHECK(v.at("text").as_string() == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST_CASE("free-form kit parameters keep their JSON types") {
    json::object params{{"i", -3}, {"u", 18446744073709551615ULL}, {"d", 0.5}, {"b", true},
                        {"n", nullptr}, {"a", json::array{1, "x", json::object{}}},
                        {"inf", std::numeric_limits<double>::infinity()}};
    const auto v =
        parsed(skill::tell("x").with_kit({"system", "volume_to", skill::to_document(params)}));
    const auto& p = v.at("result").at("data").at("use_kit").at("parameters");
    CHECK(p.at("i") == -3);
    CHECK(p.at("u").as_uint64() == 18446744073709551615ULL);
    CHECK(p.at("d").as_double() == 0.5);
    CHECK(p.at("b") == true);
    CHECK(p.at("n").is_null());
    CHECK(p.at("a") == json::parse(R"([1,"x",{}])"));
    CHECK(p.at("inf").is_null());  // JSON has no Infinity
}

TEST_CASE("error bodies") {
    CHECK(write_error(1, "Intent not found") == R"({"code":1,"text":"Intent not found"})");
    CHECK(write_error(3, "Bad request", "context.intent: missing") ==
          R"({"code":3,"text":"Bad request","detail":"context.intent: missing"})");
    CHECK(json::parse(write_error(999, "x", "a \"quoted\"\n")).at("detail") == "a \"quoted\"\n");
}

TEST_CASE("error codes map to HTTP statuses") {
    CHECK(error_status(1) == 404);
    CHECK(error_status(2) == 400);
    CHECK(error_status(3) == 400);
    CHECK(error_status(4) == 504);
    CHECK(error_status(999) == 500);
    CHECK(error_status(0) == 500);
    CHECK(error_status(-1) == 500);
}
