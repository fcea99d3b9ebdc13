// The invocation parser: protocol.md §2 request -> skill::Invocation, and precise 400 details.
#include "invocation_parser.hpp"

#include <catch2/catch.hpp>

#include "invocation_examples.hpp"
#include "json_values.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

using skill::runtime::parse_invocation;
using skill::runtime::ParseLimits;
using skill::runtime::ProtocolError;

namespace {

namespace json = boost::json;

const std::string secret = "eyJhbGciOi-very-secret";

// An object in a configuration list: the fast path declines it, the tree path parses it.
const std::string& full_example = skill::test::full_invocation;
const std::string& spi_example = skill::test::spi_example_request;

using Values = std::vector<json::value>;
using skill::test::json_values;

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
    CHECK(v.extras == std::map<std::string, std::string>{{"k", "x"}});
    CHECK(inv.tokens.at("cvi") == "eyJhbGciOi...");
    CHECK(json_values(inv.configuration.at("favourite-team")) == Values{"1860"});
    CHECK(json_values(inv.configuration.at("mixed")) ==
          Values{true, 7, 2.5, nullptr, json::parse(R"({"a": [1]})")});
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
    CHECK(detail_of(with_context_member(
              "attributesV2", R"({"a":[{"id":1,"value":"x","extras":{"k":1}}]})")) ==
          "context.attributesV2.a[0].extras.k: expected string, got number");
    CHECK(detail_of(with_context_member(
              "attributesV2", R"({"a":[{"id":1,"value":"x","extras":{"k":null}}]})")) ==
          "context.attributesV2.a[0].extras.k: expected string, got null");
    CHECK(detail_of(with_context_member("configuration", "[]")) ==
          "context.configuration: expected object, got array");
    CHECK(detail_of(with_context_member("configuration", R"({"c":1})")) ==
          "context.configuration.c: expected array, got number");
    CHECK(detail_of(with_context_member("configuration", R"({"c":true})")) ==
          "context.configuration.c: expected array, got boolean");
    CHECK(detail_of(with_context_member("configuration", R"({"c":null})")) ==
          "context.configuration.c: expected array, got null");
    CHECK(detail_of(with_context_member("configuration", R"({"c":{}})")) ==
          "context.configuration.c: expected array, got object");
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
    CHECK(inv.configuration.empty());
    const auto all = parse_invocation(
        body(R"("skillId":null,"attributes":null,"configuration":null,"clientTypeName":null,)"
             R"("userProfileConfig":null,"attributesV2":{"s":[{"id":1,"value":"v"}]})",
             R"("session":{"id":"s","new":null,"attributes":null},"spiVersion":null)"));
    CHECK(all.attributes.at("s") == std::vector<std::string>{"v"});  // derived, as when absent
    CHECK(all.client_type_name.empty());
    CHECK(all.user_profile_config.empty());
    CHECK(all.spi_version.empty());
    REQUIRE(all.session);
    CHECK(all.session->is_new);  // the default, as when absent
    CHECK(all.session->attributes.empty());
    CHECK(parse_invocation(body(R"("attributesV2":null)")).attributes_v2.empty());
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
    CHECK(json_values(inv.configuration.at("a")) == Values{"x"});
    CHECK(json_values(inv.configuration.at("b")) == Values{"y", "z"});
}

TEST_CASE("configuration values are any JSON value, kept as they are") {
    const auto inv = parse_invocation(body(
        R"("configuration":{"flag":[true,false],"n":[0,-3,18446744073709551615,1.5,-0.0,1e2],)"
        R"("none":[null],"empty":[],"deep":[{"a":{"b":[1,"x",null]}},[[]]],"mixed":["s",1,{}]})"));
    CHECK(json_values(inv.configuration.at("flag")) == Values{true, false});
    const auto n = json_values(inv.configuration.at("n"));
    REQUIRE(n.size() == 6);
    CHECK(n[0] == json::value(0));
    CHECK(n[1] == json::value(-3));
    CHECK(n[2] == json::value(std::uint64_t{18446744073709551615u}));
    CHECK(n[3] == json::value(1.5));
    CHECK(n[5].is_double());  // 1e2 stays a double: the skill sees what was sent
    CHECK(json_values(inv.configuration.at("none")) == Values{nullptr});
    CHECK(inv.configuration.at("empty").empty());
    CHECK(json_values(inv.configuration.at("deep")) ==
          Values{json::parse(R"({"a":{"b":[1,"x",null]}})"), json::parse("[[]]")});
    CHECK(json_values(inv.configuration.at("mixed")) == Values{"s", 1, json::object()});
}

TEST_CASE("configuration values are checked like every other part") {
    CHECK(detail_of(body(R"("configuration":{"c":[1e400]})")) ==
          "context.configuration.c[0]: number out of range");
    CHECK(detail_of(body(R"("configuration":{"c":[true,{"n":[-1e400]}]})")) ==
          "context.configuration.c[1].n[0]: number out of range");
    const ParseLimits small{.max_depth = 32, .max_string_bytes = 8};
    const std::string head = R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":"t"},)";
    CHECK(detail_of(head + R"("configuration":{"c":[true,"123456789"]}}})", small) ==
          "context.configuration.c[1]: string longer than 8 bytes");
    CHECK(detail_of(head + R"("configuration":{"c":"123456789"}}})", small) ==
          "context.configuration.c: string longer than 8 bytes");
    CHECK(detail_of(head + R"("configuration":{"c":[{"123456789":1}]}}})", small) ==
          "context.configuration.c[0].123456789: string longer than 8 bytes");
    CHECK(detail_of(head + R"("configuration":{"123456789":[true]}}})", small) ==
          "context.configuration.123456789: string longer than 8 bytes");
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
}

TEST_CASE("attributesV2 ids are int32") {
    const auto id = [](const std::string& text) {
        return parse_invocation(body(R"("attributesV2":{"a":[{"id":)" + text + R"(,"value":"x",)"
                                     R"("nestedIn":[)" + text + R"(],"overlapsWith":[)" + text +
                                     "]}]}"))
            .attributes_v2.at("a")
            .at(0);
    };
    for (const auto& [text, value] : std::vector<std::pair<std::string, std::int64_t>>{
             {"2147483647", 2147483647},
             {"-2147483648", -2147483648LL},
             {"2147483647.0", 2147483647},
             {"-2.147483648e9", -2147483648LL},
             {"0", 0}}) {
        INFO(text);
        const auto v = id(text);
        CHECK(v.id == value);
        CHECK(v.nested_in == std::vector<std::int64_t>{value});
        CHECK(v.overlaps_with == std::vector<std::int64_t>{value});
    }
    const auto slot = [](const std::string& members) {
        return detail_of(body(R"("attributesV2":{"a":[{"value":"x",)" + members + "}]}"));
    };
    for (const char* out_of_range :
         {"2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808",
          "2147483648.0", "-2.147483649e9", "1e10"}) {
        INFO(out_of_range);
        CHECK(slot(R"("id":)" + std::string(out_of_range)) ==
              "context.attributesV2.a[0].id: integer out of range");
        CHECK(slot(R"("id":1,"nestedIn":[1,)" + std::string(out_of_range) + "]") ==
              "context.attributesV2.a[0].nestedIn[1]: integer out of range");
        CHECK(slot(R"("id":1,"overlapsWith":[)" + std::string(out_of_range) + "]") ==
              "context.attributesV2.a[0].overlapsWith[0]: integer out of range");
    }
    CHECK(slot(R"("id":1,"nestedIn":[0.5])") ==
          "context.attributesV2.a[0].nestedIn[0]: expected integer");
    CHECK(slot(R"("id":true)") == "context.attributesV2.a[0].id: expected integer, got boolean");
    CHECK(slot(R"("id":null)") == "context.attributesV2.a[0].id: expected integer, got null");
}

TEST_CASE("attributesV2: null nestedIn, overlapsWith and extras are empty; extras are strings") {
    const auto inv = parse_invocation(body(
        R"("attributesV2":{"a":[{"id":1,"value":"x","nestedIn":null,"overlapsWith":null,)"
        R"("extras":null},{"id":2,"value":"y","extras":{"k":"v","":""}}]})"));
    const auto& a = inv.attributes_v2.at("a");
    REQUIRE(a.size() == 2);
    CHECK(a[0].nested_in.empty());
    CHECK(a[0].overlaps_with.empty());
    CHECK(a[0].extras.empty());
    CHECK(a[1].extras == std::map<std::string, std::string>{{"k", "v"}, {"", ""}});
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":1,"value":"x","nestedIn":[null]}]})")) ==
          "context.attributesV2.a[0].nestedIn[0]: expected integer, got null");
    CHECK(detail_of(body(R"("attributesV2":{"a":[{"id":1,"value":"x","extras":{"k":[]}}]})")) ==
          "context.attributesV2.a[0].extras.k: expected string, got array");
    CHECK(detail_of(body(R"("attributesV2":{"a":null})")) ==
          "context.attributesV2.a: expected array, got null");
}

TEST_CASE("nulls inside maps and lists are refused: the schema's values are not nullable") {
    CHECK(detail_of(with_context_member("tokens", R"({"cvi":null})")) ==
          "context.tokens.cvi: expected string, got null");
    CHECK(detail_of(with_context_member("attributes", R"({"a":null})")) ==
          "context.attributes.a: expected array, got null");
    CHECK(detail_of(with_context_member("attributes", R"({"a":[null]})")) ==
          "context.attributes.a[0]: expected string, got null");
    CHECK(detail_of(body("", R"("session":{"id":"s","attributes":{"k":null}})")) ==
          "session.attributes.k: expected string, got null");
    CHECK(detail_of(body("", R"("session":{"id":null})")) ==
          "session.id: expected string, got null");
    CHECK(detail_of(with_context_member("locale", "null")) ==
          "context.locale: expected string, got null");
    CHECK(detail_of(with_context_member("tokens", "null")) ==
          "context.tokens: expected object, got null");
    CHECK(detail_of(R"({"context":null})") == "context: expected object, got null");
}

TEST_CASE("the SPI's own example request is accepted verbatim") {
    const auto inv = parse_invocation(spi_example);
    CHECK(inv.intent == "intent");
    CHECK(inv.locale == "de-DE");
    CHECK(inv.spi_version == "1.0");
    CHECK(inv.skill_id.empty());
    CHECK(inv.tokens == std::map<std::string, std::string>{{"token-1", "token-value-1"},
                                                           {"token-2", "token-value-2"}});
    CHECK(inv.attributes.at("attribute-1") == std::vector<std::string>{"value-1"});
    CHECK(inv.attributes.at("attribute-2") == std::vector<std::string>{"value-2"});
    for (const char* name : {"attribute-1", "attribute-2"}) {
        REQUIRE(inv.attributes_v2.at(name).size() == 1);
        const auto& v = inv.attributes_v2.at(name).front();
        CHECK(v.id == 1);
        CHECK(v.nested_in.empty());
        CHECK(v.overlaps_with.empty());
        CHECK(v.extras.empty());
    }
    CHECK(inv.attributes_v2.at("attribute-2").front().value == "value-2");
    CHECK(inv.configuration.size() == 3);
    CHECK(json_values(inv.configuration.at("favourite-team")) == Values{"1860"});
    CHECK(json_values(inv.configuration.at("activateSomeFeature")) == Values{true});
    CHECK(json_values(inv.configuration.at("pickSomeStuff")) == Values{"item-1", "item-2"});
    REQUIRE(inv.session);
    CHECK(inv.session->id == "session-1");
    CHECK(inv.session->is_new);
    CHECK(inv.session->attributes ==
          std::map<std::string, std::string>{{"session-1", "session-value-1"},
                                             {"session-2", "session-value-2"}});
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
