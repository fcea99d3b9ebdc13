// SPI 1.4.1 conformance over real HTTP: the SPI's own example request, verbatim, and variants
// of it the schema allows (nulls, any JSON in configuration, int32 bounds) reach the handler;
// variants it refuses get 400 code 3 naming the JSON path, never a value. The answers fit the
// SPI's response schema (InvokeSkillResponseDto). Rules: docs/protocol.md §2.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <skill/json.hpp>
#include <skill/skill.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine_impl.hpp"
#include "invocation_examples.hpp"
#include "loopback_settings.hpp"
#include "test_http.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

json::object extras_of(const std::map<std::string, std::string>& extras) {
    json::object out;
    for (const auto& [k, v] : extras) out[k] = v;
    return out;
}

// Answers with what it was given, as JSON in the text, so a test sees what the parser made of
// the request. Token names only: a token's value stays out of every answer.
Task<Response> report(Context& ctx) {
    const auto& in = ctx.invocation();
    json::object seen{{"intent", in.intent},
                      {"locale", in.locale},
                      {"spiVersion", in.spi_version},
                      {"newSession", ctx.new_session()}};
    json::array token_names;
    for (const auto& [name, value] : in.tokens) token_names.emplace_back(name);
    seen["tokens"] = std::move(token_names);
    json::object configuration;
    for (const auto& [key, values] : in.configuration) {
        // Through the handler-facing accessor, not the struct.
        json::array read;
        for (const auto& v : ctx.configuration(key)) read.push_back(skill::json_of(v));
        configuration[key] = std::move(read);
    }
    seen["configuration"] = std::move(configuration);
    json::object slots;
    for (const auto& [name, values] : in.attributes_v2) {
        json::array entries;
        for (const auto& v : ctx.raw_slot(name)) {
            json::array nested(v.nested_in.begin(), v.nested_in.end());
            json::array overlaps(v.overlaps_with.begin(), v.overlaps_with.end());
            entries.push_back(json::object{{"id", v.id},
                                           {"value", v.value},
                                           {"nestedIn", std::move(nested)},
                                           {"overlapsWith", std::move(overlaps)},
                                           {"extras", extras_of(v.extras)}});
        }
        slots[name] = std::move(entries);
    }
    seen["attributesV2"] = std::move(slots);
    json::object attributes;
    for (const auto& [name, values] : in.attributes)
        attributes[name] = json::array(values.begin(), values.end());
    seen["attributes"] = std::move(attributes);
    co_return tell(json::serialize(seen));
}

// Every optional part of a response filled, to check the whole shape against the schema.
Task<Response> everything(Context& ctx) {
    auto r = ask("text")
                 .with_card({.title_text = "title", .text = "card text"})
                 .with_push_notification("SVH-TEST0DEVICE1ID", "example message")
                 .with_kit({"audio_player", "play_stream", {{"url", "https://example.org/a"}}})
                 .with_session("session-1", "session-value-1");
    r.result->target_device_id = "target-device-id";
    ctx.session_attributes()["session-2"] = "session-value-2";
    co_return r;
}

Task<Response> freetext(Context&) {
    co_return ask_freetext("say something");
}

// The SPI's example response, rebuilt with the SDK's builders: a card of another type with
// members the SDK does not name, result data, a push notification, session attributes.
Task<Response> spi_example(Context& ctx) {
    Card card{.type = "cardtype",
              .extra = {{"card-key-1", "card-value-1"}, {"card-key-2", "card-value-2"}}};
    auto r = ask("text")
                 .with_card(std::move(card))
                 .with_push_notification("SVH-TEST0DEVICE1ID", "example message");
    r.result.emplace();
    r.result->data = Document{{"data-1", "data-value-1"}, {"data-2", "data-value-2"}};
    r.result->target_device_id = "target-device-id";
    ctx.session_attributes() = {{"session-1", "session-value-1"}, {"session-2", "session-value-2"}};
    co_return r;
}

const IntentRegistry& registry() {
    static const IntentRegistry r = [] {
        IntentRegistry r;
        r.add("intent", report);  // the SPI example's intent is literally "intent"
        r.add("EVERYTHING", everything);
        r.add("FREETEXT", freetext);
        r.add("SPI_EXAMPLE", spi_example);
        return r;
    }();
    return r;
}

runtime::Settings settings() {
    auto s = test::loopback_settings();
    s.skill.locales = {"de"};
    s.skill.timeout = 2s;
    s.http.threads = 1;
    s.log.level = log::Level::off;
    return s;
}

struct Server {
    Engine app;
    std::uint16_t port;
    Server()
        : app((log::configure(log::Level::off, log::Format::json),
               runtime::make_engine(settings(), registry()))),
          port(app.start()) {}
    test::RawResponse invoke(std::string_view body) {
        return test::http_request(port, "POST", "/v1/test", body);
    }
};

const std::string& spi_request = test::spi_example_request;

// The SPI's own example response (InvokeSkillResponseDto.json, from the same docs/spi folder
// of the Python skill SDK, tag 0.14.2; shared/docs/spi/), verbatim.
const std::string spi_response = R"({
  "type": "ASK",
  "card": {
    "type": "cardtype",
    "version": 1,
    "data": {
      "card-key-1": "card-value-1",
      "card-key-2": "card-value-2"
    }
  },
  "pushNotification": {
    "targetName": "SVH-TEST0DEVICE1ID",
    "messagePayload": "example message"
  },
  "text": "text",
  "result": {
    "local": true,
    "data": {
      "data-1": "data-value-1",
      "data-2": "data-value-2"
    },
    "targetDeviceId": "target-device-id"
  },
  "session": {
    "attributes": {
      "session-1": "session-value-1",
      "session-2": "session-value-2"
    }
  }
}
)";

// --- the response schema --------------------------------------------------------------------

// Where `response` does not fit InvokeSkillResponseDto ("" when it fits). Members the schema
// does not name (our result.delayedClientTask) are allowed: the SPI ignores unknown members.
std::string misfit(const json::value& response) {
    if (!response.is_object()) return "not an object";
    const auto& o = response.get_object();
    const auto is_string = [](const json::object& obj, std::string_view key, bool required) {
        const auto* v = obj.if_contains(key);
        return v ? v->is_string() : !required;
    };
    const auto* type = o.if_contains("type");
    if (!type || !type->is_string()) return "type";
    if (*type != "TELL" && *type != "ASK" && *type != "ASK_FREETEXT") return "type value";
    if (!is_string(o, "text", true)) return "text";
    if (const auto* card = o.if_contains("card")) {
        if (!card->is_object()) return "card";
        const auto& c = card->get_object();
        if (!is_string(c, "type", true)) return "card.type";
        const auto* version = c.if_contains("version");
        if (!version || !(version->is_int64() || version->is_uint64())) return "card.version";
        if (const auto* data = c.if_contains("data"); data && !data->is_object())
            return "card.data";
    }
    if (const auto* push = o.if_contains("pushNotification")) {
        if (!push->is_object()) return "pushNotification";
        if (!is_string(push->get_object(), "targetName", false))
            return "pushNotification.targetName";
        if (!is_string(push->get_object(), "messagePayload", false))
            return "pushNotification.messagePayload";
    }
    if (const auto* result = o.if_contains("result")) {
        if (!result->is_object()) return "result";
        const auto& r = result->get_object();
        const auto* data = r.if_contains("data");
        if (!data || !data->is_object()) return "result.data";
        const auto* local = r.if_contains("local");
        if (!local || !local->is_bool()) return "result.local";
        if (!is_string(r, "targetDeviceId", false)) return "result.targetDeviceId";
    }
    if (const auto* session = o.if_contains("session")) {
        if (!session->is_object()) return "session";
        const auto* attributes = session->get_object().if_contains("attributes");
        if (!attributes || !attributes->is_object()) return "session.attributes";
        for (const auto& [key, value] : attributes->get_object())
            if (!value.is_string()) return "session.attributes." + std::string(key);
    }
    return "";
}

// --- request variants -----------------------------------------------------------------------

// The SPI example with one change made to its JSON.
std::string spi_variant(const std::function<void(json::object&)>& change) {
    json::value doc = json::parse(spi_request);
    change(doc.as_object());
    return json::serialize(doc);
}

json::object& context_of(json::object& doc) {
    return doc["context"].as_object();
}

json::object& first_slot_value(json::object& doc) {
    return context_of(doc)["attributesV2"].as_object()["attribute-1"].as_array()[0].as_object();
}

std::string detail_of(const json::value& answer) {
    const auto* detail = answer.as_object().if_contains("detail");
    return detail && detail->is_string() ? std::string(detail->get_string()) : "(no detail)";
}

json::value what_the_handler_saw(const test::RawResponse& r) {
    return json::parse(json::parse(r.body).at("text").as_string());
}

}  // namespace

TEST_CASE("the SPI's example request, verbatim, reaches the handler whole") {
    Server s;
    const auto r = s.invoke(spi_request);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    const auto answer = json::parse(r.body);
    CHECK(misfit(answer) == "");
    CHECK(answer.at("type") == "TELL");
    CHECK(what_the_handler_saw(r) == json::parse(R"({
        "intent": "intent", "locale": "de-DE", "spiVersion": "1.0", "newSession": true,
        "tokens": ["token-1", "token-2"],
        "configuration": {"activateSomeFeature": [true], "favourite-team": ["1860"],
                          "pickSomeStuff": ["item-1", "item-2"]},
        "attributesV2": {
            "attribute-1": [{"id": 1, "value": "value-1", "nestedIn": [], "overlapsWith": [],
                             "extras": {}}],
            "attribute-2": [{"id": 1, "value": "value-2", "nestedIn": [], "overlapsWith": [],
                             "extras": {}}]},
        "attributes": {"attribute-1": ["value-1"], "attribute-2": ["value-2"]}})"));
    // The session attributes come back as they went in.
    CHECK(answer.at("session").at("attributes") ==
          json::parse(R"({"session-1": "session-value-1", "session-2": "session-value-2"})"));
    CHECK(r.body.find("token-value") == std::string::npos);
}

TEST_CASE("configuration values of every JSON kind are accepted and kept") {
    Server s;
    const auto r = s.invoke(spi_variant([](json::object& doc) {
        context_of(doc)["configuration"] = json::parse(
            R"({"b": [true, false], "n": [0, -7, 2147483648, 18446744073709551615, 1.5],
                "z": [null], "o": [{"k": [1, "x", null]}, []], "e": [], "lone": "string"})");
    }));
    REQUIRE(r.status == 200);
    CHECK(what_the_handler_saw(r).at("configuration") ==
          json::parse(
              R"({"b": [true, false], "n": [0, -7, 2147483648, 18446744073709551615, 1.5],
            "z": [null], "o": [{"k": [1, "x", null]}, []], "e": [], "lone": ["string"]})"));
}

TEST_CASE("null for an optional member is taken as absent") {
    Server s;
    SECTION("nestedIn, overlapsWith and extras null or absent: empty") {
        const auto r = s.invoke(spi_variant([](json::object& doc) {
            auto& v = first_slot_value(doc);
            v["extras"] = nullptr;
            v.erase("nestedIn");
            v.erase("overlapsWith");
        }));
        REQUIRE(r.status == 200);
        CHECK(what_the_handler_saw(r).at("attributesV2").at("attribute-1") ==
              json::parse(R"([{"id": 1, "value": "value-1", "nestedIn": [], "overlapsWith": [],
                               "extras": {}}])"));
    }
    SECTION("session.new null: the default, a new session; attributes null: none") {
        const auto r = s.invoke(spi_variant([](json::object& doc) {
            auto& session = doc["session"].as_object();
            session["new"] = nullptr;
            session["attributes"] = nullptr;
        }));
        REQUIRE(r.status == 200);
        CHECK(what_the_handler_saw(r).at("newSession") == true);
        CHECK(json::parse(r.body).as_object().if_contains("session") == nullptr);
    }
    SECTION("attributes null: derived from attributesV2, as when absent") {
        const auto r = s.invoke(spi_variant([](json::object& doc) {
            context_of(doc)["attributes"] = nullptr;
            context_of(doc)["configuration"] = nullptr;
            context_of(doc)["attributesV2"]
                .as_object()["attribute-2"]
                .as_array()[0]
                .as_object()["value"] = "derived";
            doc["spiVersion"] = nullptr;
        }));
        REQUIRE(r.status == 200);
        const auto seen = what_the_handler_saw(r);
        CHECK(seen.at("attributes") ==
              json::parse(R"({"attribute-1": ["value-1"], "attribute-2": ["derived"]})"));
        CHECK(seen.at("configuration") == json::object());
        CHECK(seen.at("spiVersion") == "");
    }
    SECTION("unknown members of any shape are ignored") {
        const auto r = s.invoke(spi_variant([](json::object& doc) {
            doc["future"] = json::parse(R"({"x": [1, null, {"y": true}]})");
            context_of(doc)["skillId"] = "test";
            context_of(doc)["clientTypeName"] = nullptr;
            first_slot_value(doc)["confidence"] = 0.5;
        }));
        CHECK(r.status == 200);
    }
}

TEST_CASE("ids are int32: the bounds are accepted, one past them refused") {
    Server s;
    const auto with_ids = [](json::value id, json::value nested) {
        return spi_variant([&](json::object& doc) {
            auto& v = first_slot_value(doc);
            v["id"] = id;
            v["nestedIn"] = json::array{nested};
            v["overlapsWith"] = json::array{id, nested};
        });
    };
    const auto ok = s.invoke(with_ids(2147483647, -2147483648LL));
    REQUIRE(ok.status == 200);
    CHECK(what_the_handler_saw(ok).at("attributesV2").at("attribute-1").at(0) ==
          json::parse(R"({"id": 2147483647, "value": "value-1", "nestedIn": [-2147483648],
                          "overlapsWith": [2147483647, -2147483648], "extras": {}})"));
    const std::vector<std::pair<std::string, std::string>> refused = {
        {with_ids(2147483648LL, 0), "context.attributesV2.attribute-1[0].id: integer out of range"},
        {with_ids(1, -2147483649LL),
         "context.attributesV2.attribute-1[0].nestedIn[0]: integer out of range"},
        {with_ids(-2147483649LL, 0),
         "context.attributesV2.attribute-1[0].id: integer out of range"},
        {spi_variant([](json::object& doc) {
             first_slot_value(doc)["overlapsWith"] = json::array{1, 4294967296LL};
         }),
         "context.attributesV2.attribute-1[0].overlapsWith[1]: integer out of range"},
        {spi_variant([](json::object& doc) { first_slot_value(doc)["id"] = 3e9; }),
         "context.attributesV2.attribute-1[0].id: integer out of range"},
    };
    for (const auto& [body, detail] : refused) {
        INFO(body);
        const auto r = s.invoke(body);
        CHECK(r.status == 400);
        const auto answer = json::parse(r.body);
        CHECK(answer.at("code") == 3);
        CHECK(detail_of(answer) == detail);
    }
}

TEST_CASE("what the schema refuses gets 400 code 3 naming the path, not the value") {
    Server s;
    using Change = std::function<void(json::object&)>;
    const std::vector<std::pair<Change, std::string>> cases = {
        {[](json::object& d) { context_of(d)["tokens"].as_object()["token-1"] = 17; },
         "context.tokens.token-1: expected string, got number"},
        {[](json::object& d) { context_of(d)["tokens"] = json::array{"token-value-1"}; },
         "context.tokens: expected object, got array"},
        {[](json::object& d) { context_of(d).erase("tokens"); }, "context.tokens: missing"},
        {[](json::object& d) { context_of(d)["intent"] = nullptr; },
         "context.intent: expected string, got null"},
        {[](json::object& d) { context_of(d)["configuration"].as_object()["x"] = true; },
         "context.configuration.x: expected array, got boolean"},
        {[](json::object& d) { context_of(d)["configuration"].as_object()["x"] = nullptr; },
         "context.configuration.x: expected array, got null"},
        {[](json::object& d) { context_of(d)["configuration"] = json::array{}; },
         "context.configuration: expected object, got array"},
        {[](json::object& d) {
             context_of(d)["attributes"].as_object()["attribute-1"] = json::array{true};
         },
         "context.attributes.attribute-1[0]: expected string, got boolean"},
        {[](json::object& d) { first_slot_value(d)["id"] = "1"; },
         "context.attributesV2.attribute-1[0].id: expected integer, got string"},
        {[](json::object& d) { first_slot_value(d)["id"] = 1.5; },
         "context.attributesV2.attribute-1[0].id: expected integer"},
        {[](json::object& d) { first_slot_value(d)["value"] = nullptr; },
         "context.attributesV2.attribute-1[0].value: expected string, got null"},
        {[](json::object& d) { first_slot_value(d)["nestedIn"] = json::array{"2"}; },
         "context.attributesV2.attribute-1[0].nestedIn[0]: expected integer, got string"},
        {[](json::object& d) { first_slot_value(d)["overlapsWith"] = json::object{}; },
         "context.attributesV2.attribute-1[0].overlapsWith: expected array, got object"},
        {[](json::object& d) {
             first_slot_value(d)["extras"] = json::object{{"k", 1}};
         },
         "context.attributesV2.attribute-1[0].extras.k: expected string, got number"},
        {[](json::object& d) { first_slot_value(d)["extras"] = json::array{}; },
         "context.attributesV2.attribute-1[0].extras: expected object, got array"},
        {[](json::object& d) { d["session"].as_object()["new"] = "true"; },
         "session.new: expected boolean, got string"},
        {[](json::object& d) { d["session"].as_object()["id"] = 1; },
         "session.id: expected string, got number"},
        {[](json::object& d) {
             d["session"].as_object()["attributes"].as_object()["session-1"] = json::array{};
         },
         "session.attributes.session-1: expected string, got array"},
        {[](json::object& d) { d["spiVersion"] = 1.0; }, "spiVersion: expected string, got number"},
    };
    for (const auto& [change, detail] : cases) {
        const auto body = spi_variant(change);
        INFO(body);
        const auto r = s.invoke(body);
        CHECK(r.status == 400);
        const auto answer = json::parse(r.body);
        CHECK(answer.at("code") == 3);
        CHECK(detail_of(answer) == detail);
        // No value of the request is echoed: not its tokens, not its session, not its slots.
        for (const char* value : {"token-value", "session-value", "value-1", "1860", "item-1"})
            CHECK(r.body.find(value) == std::string::npos);
    }
}

TEST_CASE("the answers fit the SPI's response schema") {
    // The checker itself: the SPI's example fits, a broken one does not.
    CHECK(misfit(json::parse(spi_response)) == "");
    const auto broken = [](const std::function<void(json::object&)>& change) {
        json::value doc = json::parse(spi_response);
        change(doc.as_object());
        return misfit(doc);
    };
    CHECK(broken([](json::object& o) { o["type"] = "SAY"; }) == "type value");
    CHECK(broken([](json::object& o) { o["card"].as_object()["version"] = "1"; }) ==
          "card.version");
    CHECK(broken([](json::object& o) { o["result"].as_object().erase("local"); }) ==
          "result.local");
    CHECK(broken([](json::object& o) {
              o["session"].as_object()["attributes"].as_object()["n"] = 1;
          }) == "session.attributes.n");

    Server s;
    const auto full = s.invoke(spi_variant([](json::object& d) {
        context_of(d)["intent"] = "EVERYTHING";
        d["session"].as_object()["attributes"] = json::object{};
    }));
    REQUIRE(full.status == 200);
    const auto answer = json::parse(full.body);
    CHECK(misfit(answer) == "");
    // Every part the schema names is there, with the example's values where we set them.
    const auto example_doc = json::parse(spi_response);
    const auto& example = example_doc.as_object();
    CHECK(answer.at("type") == example.at("type"));
    CHECK(answer.at("text") == example.at("text"));
    CHECK(answer.at("pushNotification") == example.at("pushNotification"));
    CHECK(answer.at("session") == example.at("session"));
    CHECK(answer.at("result").at("targetDeviceId") == example.at("result").at("targetDeviceId"));
    CHECK(answer.at("result").at("local") == true);
    CHECK(answer.at("card").at("version") == 1);

    // The example itself, verbatim, from the SDK's builders through the real server.
    const auto example_answer =
        s.invoke(spi_variant([](json::object& d) { context_of(d)["intent"] = "SPI_EXAMPLE"; }));
    REQUIRE(example_answer.status == 200);
    CHECK(json::parse(example_answer.body) == example_doc);

    const auto freetext =
        s.invoke(spi_variant([](json::object& d) { context_of(d)["intent"] = "FREETEXT"; }));
    REQUIRE(freetext.status == 200);
    CHECK(misfit(json::parse(freetext.body)) == "");
    CHECK(json::parse(freetext.body).at("type") == "ASK_FREETEXT");
}
