// The invocation parser: protocol.md §2 request -> skill::Invocation, and precise 400 details.
#include "invocation_parser.hpp"

#include <catch2/catch.hpp>

#include "invocation_examples.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>

using skill::runtime::parse_invocation;
using skill::runtime::ParseLimits;
using skill::runtime::ProtocolError;

namespace {

namespace json = boost::json;

const std::string secret = "eyJhbGciOi-very-secret";

// Non-empty extras: the fast path declines it, the tree path parses it.
const std::string& full_example = skill::test::full_invocation;

// A minimal valid body with `context_extra` spliced into the context and `top_extra` at the top.
std::string body(const std::string& context_extra = "", const std::string& top_extra = "") {
    return R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":")" + secret + R"("})" +
           (context_extra.empty() ? "" : "," + context_extra) + "}" +
           (top_extra.empty() ? "" : "," + top_extra) + "}";
}

// Replaces the member `key` of the context of a minimal body (or removes it when `value` is "").
std::string with_context_member(const std::string& key, const std::string& value) {
    json::object context{{"intent", "I"}, {"locale", "de"}, {"tokens", {{"cvi", secret}}}};
    if (value.empty()) context.erase(key);
    else context[key] = json::parse(value);
    return json::serialize(json::object{{"context", context}});
}

std::string detail_of(const std::string& text, const ParseLimits& limits = {}) {
    try {
        parse_invocation(text, limits);
    } catch (const ProtocolError& e) {
        return e.what();
    }
    return "(parsed)";
}

}  // namespace

TEST_CASE("the full example of protocol.md fills every field") {
    const auto inv = parse_invocation(full_example);
    CHECK(inv.intent == "HELLO_INTENT");
    CHECK(inv.skill_id == "hello");
    CHECK(inv.locale == "de");
    CHECK(inv.attributes.at("name") == std::vector<std::string>{"Anna"});
    CHECK(inv.attributes.at("timezone") == std::vector<std::string>{"Europe/Berlin"});
    REQUIRE(inv.attributes_v2.at("name").size() == 1);
    const auto& v = inv.attributes_v2.at("name").front();
    CHECK(v.id == 1);
    CHECK(v.value == "Anna");
    CHECK(v.nested_in == std::vector<std::int64_t>{2});
    CHECK(v.overlaps_with == std::vector<std::int64_t>{3, 4});
    CHECK(json::value(v.extras) == json::parse(R"({"k": [1, "x"]})"));
    CHECK(inv.tokens.at("cvi") == "eyJhbGciOi...");
    CHECK(inv.configuration.at("favourite-team") == std::vector<std::string>{"1860"});
    CHECK(inv.client_type_name == "mini");
    CHECK(inv.user_profile_config == "profile");
    REQUIRE(inv.session);
    CHECK(inv.session->id == "session-1");
    CHECK_FALSE(inv.session->is_new);
    CHECK(inv.session->attributes.at("key") == "value");
    CHECK(inv.spi_version == "1.4.1");
}

TEST_CASE("a minimal body parses with empty optional parts") {
    const auto inv = parse_invocation(body());
    CHECK(inv.intent == "I");
    CHECK_FALSE(inv.session);
    CHECK(inv.attributes.empty());
    CHECK(inv.configuration.empty());
    CHECK(inv.skill_id.empty());
    CHECK(inv.spi_version.empty());
}

TEST_CASE("missing required fields name the field") {
    CHECK(detail_of(R"({})") == "context: missing");
    CHECK(detail_of(with_context_member("intent", "")) == "context.intent: missing");
    CHECK(detail_of(with_context_member("locale", "")) == "context.locale: missing");
    CHECK(detail_of(with_context_member("tokens", "")) == "context.tokens: missing");
    CHECK(detail_of(body("", R"("session":{"new":true})")) == "session.id: missing");
    CHECK(detail_of(with_context_member("intent", R"("")")) == "context.intent: empty");
    CHECK(detail_of(body(R"("attributesV2":{"s":[{"id":1}]})")) ==
          "context.attributesV2.s[0].value: missing");
    CHECK(detail_of(body(R"("attributesV2":{"s":[{"value":"x"}]})")) ==
          "context.attributesV2.s[0].id: missing");
}

TEST_CASE("wrong types name the path and both types") {
    CHECK(detail_of(R"({"context":[]})") == "context: expected object, got array");
    CHECK(detail_of(with_context_member("intent", "1")) ==
          "context.intent: expected string, got number");
    CHECK(detail_of(with_context_member("intent", "null")) ==
          "context.intent: expected string, got null");
    CHECK(detail_of(with_context_member("locale", "true")) ==
          "context.locale: expected string, got boolean");
    CHECK(detail_of(with_context_member("tokens", R"("x")")) ==
          "context.tokens: expected object, got string");
    CHECK(detail_of(with_context_member("tokens", R"({"cvi":1})")) ==
          "context.tokens.cvi: expected string, got number");
    CHECK(detail_of(with_context_member("skillId", "{}")) ==
          "context.skillId: expected string, got object");
    CHECK(detail_of(with_context_member("clientTypeName", "[]")) ==
          "context.clientTypeName: expected string, got array");
    CHECK(detail_of(with_context_member("userProfileConfig", "1.5")) ==
          "context.userProfileConfig: expected string, got number");
    CHECK(detail_of(with_context_member("attributes", R"({"a":"x"})")) ==
          "context.attributes.a: expected array, got string");
    CHECK(detail_of(with_context_member("attributes", R"({"a":["x",2]})")) ==
          "context.attributes.a[1]: expected string, got number");
    CHECK(detail_of(with_context_member("attributesV2", R"({"a":[1]})")) ==
          "context.attributesV2.a[0]: expected object, got number");
    CHECK(detail_of(with_context_member("attributesV2", R"({"a":[{"id":"1","value":"x"}]})")) ==
          "context.attributesV2.a[0].id: expected integer, got string");
    CHECK(detail_of(with_context_member("attributesV2", R"({"a":[{"id":1.5,"value":"x"}]})")) ==
          "context.attributesV2.a[0].id: expected integer");
    CHECK(detail_of(with_context_member("attributesV2", R"({"a":[{"id":1,"value":2}]})")) ==
          "context.attributesV2.a[0].value: expected string, got number");
    CHECK(detail_of(with_context_member(
              "attributesV2", R"({"a":[{"id":1,"value":"x","nestedIn":["1"]}]})")) ==
          "context.attributesV2.a[0].nestedIn[0]: expected integer, got string");
    CHECK(detail_of(with_context_member(
              "attributesV2", R"({"a":[{"id":1,"value":"x","overlapsWith":{}}]})")) ==
          "context.attributesV2.a[0].overlapsWith: expected array, got object");
    CHECK(detail_of(with_context_member("attributesV2",
                                        R"({"a":[{"id":1,"value":"x","extras":[]}]})")) ==
          "context.attributesV2.a[0].extras: expected object, got array");
    CHECK(detail_of(with_context_member("configuration", R"({"c":[1]})")) ==
          "context.configuration.c[0]: expected string, got number");
    CHECK(detail_of(body("", R"("session":[])")) == "session: expected object, got array");
    CHECK(detail_of(body("", R"("session":{"id":1})")) ==
          "session.id: expected string, got number");
    CHECK(detail_of(body("", R"("session":{"id":"s","new":"yes"})")) ==
          "session.new: expected boolean, got string");
    CHECK(detail_of(body("", R"("session":{"id":"s","attributes":{"k":1}})")) ==
          "session.attributes.k: expected string, got number");
    CHECK(detail_of(body("", R"("spiVersion":1)")) == "spiVersion: expected string, got number");
}

TEST_CASE("null optional fields count as absent") {
    const auto inv = parse_invocation(
        body(R"("skillId":null,"attributes":null,"configuration":null)", R"("session":null)"));
    CHECK(inv.skill_id.empty());
    CHECK_FALSE(inv.session);
}

TEST_CASE("session defaults: new is true, attributes empty") {
    const auto inv = parse_invocation(body("", R"("session":{"id":"s-1"})"));
    REQUIRE(inv.session);
    CHECK(inv.session->id == "s-1");
    CHECK(inv.session->is_new);
    CHECK(inv.session->attributes.empty());
}

TEST_CASE("attributes are derived from attributesV2 when absent") {
    const auto inv = parse_invocation(body(
        R"("attributesV2":{"city":[{"id":1,"value":"Bonn"},{"id":2,"value":"Köln"}],"e":[]})"));
    CHECK(inv.attributes.at("city") == std::vector<std::string>{"Bonn", "Köln"});
    CHECK(inv.attributes.at("e").empty());
    CHECK(inv.attributes_v2.at("city").at(1).id == 2);
}

TEST_CASE("attributes on the wire win over attributesV2") {
    const auto inv = parse_invocation(
        body(R"("attributes":{"a":["x"]},"attributesV2":{"b":[{"id":1,"value":"y"}]})"));
    CHECK(inv.attributes.size() == 1);
    CHECK(inv.attributes.at("a") == std::vector<std::string>{"x"});
    CHECK(inv.attributes_v2.count("b") == 1);
}

TEST_CASE("configuration accepts a single string as a one-element list") {
    const auto inv = parse_invocation(body(R"("configuration":{"a":"x","b":["y","z"]})"));
    CHECK(inv.configuration.at("a") == std::vector<std::string>{"x"});
    CHECK(inv.configuration.at("b") == std::vector<std::string>{"y", "z"});
}

TEST_CASE("unknown fields are ignored") {
    const auto inv = parse_invocation(body(R"("future":{"x":[1,2]})", R"("other":1e400)"));
    CHECK(inv.intent == "I");
}

TEST_CASE("integral ids written as doubles are accepted") {
    const auto inv = parse_invocation(body(R"("attributesV2":{"a":[{"id":1e2,"value":"x"}]})"));
    CHECK(inv.attributes_v2.at("a").at(0).id == 100);
}

TEST_CASE("huge numbers give a clear error") {
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":1180591620717411303424,"value":"x"}]})")) ==
          "context.attributesV2.a[0].id: integer out of range");
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":18446744073709551615,"value":"x"}]})")) ==
          "context.attributesV2.a[0].id: integer out of range");
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":1e400,"value":"x"}]})")) ==
          "context.attributesV2.a[0].id: expected integer");
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":1,"value":"x",)"
                         R"("extras":{"n":[1e400]}}]})")) ==
          "context.attributesV2.a[0].extras.n[0]: number out of range");
}

TEST_CASE("malformed bodies") {
    CHECK(detail_of("") == "body: empty");
    CHECK(detail_of("[1,2]") == "body: expected object, got array");
    CHECK(detail_of("\"x\"") == "body: expected object, got string");
    CHECK(detail_of(R"({"context": tru})").rfind("body: not valid JSON (", 0) == 0);
    CHECK(detail_of(body() + "x").rfind("body: not valid JSON (", 0) == 0);
    CHECK(detail_of(R"({"context":)").rfind("body: not valid JSON (", 0) == 0);
    const auto syntax = detail_of(R"({"context": tru})");
    CHECK(syntax.find("at offset") != std::string::npos);
}

TEST_CASE("invalid UTF-8 is reported as such") {
    CHECK(detail_of(body(R"("skillId":"a)" + std::string("\xff") + "\"")).rfind(
              "body: invalid UTF-8 at offset ", 0) == 0);
    // An overlong encoding of '/' and a lone surrogate are not UTF-8 either.
    CHECK(detail_of(body(R"("skillId":")" + std::string("\xc0\xaf") + "\"")).rfind(
              "body: invalid UTF-8", 0) == 0);
    CHECK(detail_of(body(R"("skillId":")" + std::string("\xed\xa0\x80") + "\"")).rfind(
              "body: invalid UTF-8", 0) == 0);
}

TEST_CASE("nesting deeper than the limit is refused") {
    std::string deep = body(R"("x":)" + std::string(40, '[') + std::string(40, ']'));
    CHECK(detail_of(deep) == "body: nesting deeper than 32");
    CHECK(detail_of(body(R"("x":[[[]]])"), ParseLimits{.max_depth = 3}) ==
          "body: nesting deeper than 3");
    CHECK_NOTHROW(parse_invocation(body(R"("x":[[]])"), ParseLimits{.max_depth = 4}));
}

TEST_CASE("strings longer than the limit are refused, naming the field") {
    const ParseLimits small{.max_depth = 32, .max_string_bytes = 8};
    CHECK(detail_of(with_context_member("intent", R"("123456789")"), small) ==
          "context.intent: string longer than 8 bytes");
    const std::string short_token =
        R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":"t"},)";
    CHECK(detail_of(short_token + R"("attributes":{"123456789":[]}}})", small) ==
          "context.attributes.123456789: string longer than 8 bytes");
    CHECK_NOTHROW(parse_invocation(with_context_member("intent", R"("12345678")"),
                                   ParseLimits{.max_depth = 32, .max_string_bytes = 22}));
}

TEST_CASE("long keys are shortened in a detail") {
    const std::string key(200, 'k');
    const auto detail = detail_of(body(R"("attributes":{")" + key + R"(":1})"));
    CHECK(detail ==
          "context.attributes." + std::string(64, 'k') + "...: expected array, got number");
}

TEST_CASE("a token value never appears in an error message") {
    const std::vector<std::string> bad_bodies = {
        body(R"("intent":1)"),
        body(R"("attributes":{"a":1})"),
        body("", R"("session":{})"),
        body() + "garbage",
        body(R"("x":")" + std::string("\xff") + "\""),
        with_context_member("tokens", R"({"cvi":")" + secret + R"(","other":1})"),
    };
    for (const auto& b : bad_bodies) {
        const auto detail = detail_of(b);
        INFO(detail);
        CHECK(detail != "(parsed)");
        CHECK(detail.find(secret) == std::string::npos);
    }
}
