// The invocation parser's fast path (one SAX pass) against its tree-based slow path: whenever the
// fast path gives an Invocation it must equal the tree's, field by field; whenever the tree
// refuses a body the fast path must decline it (it never has an error of its own). And it must
// really handle the common shapes, or parse_invocation would silently always take the slow path.
#include "invocation_parser.hpp"

#include <catch2/catch.hpp>

#include "invocation_examples.hpp"
#include "json_values.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using skill::Invocation;
using skill::test::json_values;
using skill::runtime::ParseLimits;
using skill::runtime::ProtocolError;
using skill::runtime::detail::parse_invocation_fast;
using skill::runtime::detail::parse_invocation_tree;

namespace {

namespace json = boost::json;

// --- bodies ---------------------------------------------------------------------------------

const std::string bench_token =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaC11c2VyLTEiLCJza2lsbCI6ImhlbGxvIiwi"
    "aWF0IjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl";

// tests/bench/invoke.lua's skill_body, byte for byte.
std::string bench_body(int i = 1) {
    return R"({"context":{"intent":"BENCH_TELL","skillId":"hello","locale":"de",)"
           R"("attributes":{"timezone":["Europe/Berlin"]},)"
           R"("attributesV2":{"timezone":[{"id":1,"value":"Europe/Berlin","nestedIn":[],)"
           R"("overlapsWith":[],"extras":{}}]},)"
           R"("tokens":{"cvi":")" +
           bench_token + R"("},"clientTypeName":"mini"},)"
           R"("session":{"id":"session-)" +
           std::to_string(i) + R"(","new":true,"attributes":{}},)"
           R"("spiVersion":"1.4.1"})";
}

// protocol.md §2, as written there.
const std::string protocol_example = R"({"context": {
   "intent": "HELLO_INTENT", "skillId": "hello", "locale": "de",
   "attributes":   {"name": ["Anna"], "timezone": ["Europe/Berlin"]},
   "attributesV2": {"name": [{"id": 1, "value": "Anna", "nestedIn": [], "overlapsWith": [], "extras": {}}]},
   "tokens": {"cvi": "eyJhbGciOi..."},
   "configuration": {"favourite-team": ["1860"], "activateSomeFeature": [true]},
   "clientTypeName": "mini", "userProfileConfig": "..."},
 "session": {"id": "session-1", "new": true, "attributes": {"key": "value"}},
 "spiVersion": "1.4.1"})";

// An object in a configuration list: the fast path declines it, the tree path parses it.
const std::string& full_example = skill::test::full_invocation;
// The SPI's own example (null nestedIn, a boolean in configuration): the fast path takes it.
const std::string& spi_example = skill::test::spi_example_request;

// A minimal valid body with `context_extra` spliced into the context and `top_extra` at the top.
std::string body(const std::string& context_extra = "", const std::string& top_extra = "") {
    return R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":"secret"})" +
           (context_extra.empty() ? "" : "," + context_extra) + "}" +
           (top_extra.empty() ? "" : "," + top_extra) + "}";
}

// Replaces the member `key` of the context of a minimal body (or removes it when `value` is "").
std::string with_context_member(const std::string& key, const std::string& value) {
    json::object context{{"intent", "I"}, {"locale", "de"}, {"tokens", {{"cvi", "secret"}}}};
    if (value.empty()) context.erase(key);
    else context[key] = json::parse(value);
    return json::serialize(json::object{{"context", context}});
}

// A minimal body with one attributesV2 entry whose members are `members`.
std::string with_slot(const std::string& members) {
    return body(R"("attributesV2":{"s":[{)" + members + "}]}");
}

std::string with_session(const std::string& session) { return body("", R"("session":)" + session); }

// --- comparison -----------------------------------------------------------------------------

// The first field in which `a` and `b` differ, or "" when they are equal in every field.
std::string difference(const Invocation& a, const Invocation& b) {
    if (a.intent != b.intent) return "intent";
    if (a.locale != b.locale) return "locale";
    if (a.skill_id != b.skill_id) return "skill_id";
    if (a.attributes != b.attributes) return "attributes";
    if (a.tokens != b.tokens) return "tokens";
    if (a.configuration.size() != b.configuration.size()) return "configuration size";
    for (auto i = a.configuration.begin(), j = b.configuration.begin(); i != a.configuration.end();
         ++i, ++j) {
        if (i->first != j->first || json_values(i->second) != json_values(j->second))
            return "configuration." + i->first;
    }
    if (a.client_type_name != b.client_type_name) return "client_type_name";
    if (a.user_profile_config != b.user_profile_config) return "user_profile_config";
    if (a.spi_version != b.spi_version) return "spi_version";
    if (a.attributes_v2.size() != b.attributes_v2.size()) return "attributes_v2 size";
    for (auto i = a.attributes_v2.begin(), j = b.attributes_v2.begin();
         i != a.attributes_v2.end(); ++i, ++j) {
        if (i->first != j->first) return "attributes_v2 names";
        if (i->second.size() != j->second.size()) return "attributes_v2." + i->first + " size";
        for (std::size_t k = 0; k < i->second.size(); ++k) {
            const auto &x = i->second[k], &y = j->second[k];
            if (x.id != y.id || x.value != y.value || x.nested_in != y.nested_in ||
                x.overlaps_with != y.overlaps_with || x.extras != y.extras)
                return "attributes_v2." + i->first + "[" + std::to_string(k) + "]";
        }
    }
    if (a.session.has_value() != b.session.has_value()) return "session presence";
    if (a.session) {
        if (a.session->id != b.session->id) return "session.id";
        if (a.session->is_new != b.session->is_new) return "session.new";
        if (a.session->attributes != b.session->attributes) return "session.attributes";
    }
    return "";
}

struct Outcome {
    std::optional<Invocation> fast;
    std::optional<Invocation> tree;  // nullopt: the tree path threw ProtocolError
    std::string error;
};

// Runs both paths on `text` and checks the contract between them and parse_invocation.
Outcome differential(const std::string& text, const ParseLimits& limits = {}) {
    Outcome out;
    out.fast = parse_invocation_fast(text, limits);
    try {
        out.tree = parse_invocation_tree(text, limits);
    } catch (const ProtocolError& e) {
        out.error = e.what();
    }
    INFO("body: " << text << "\ntree: " << (out.tree ? "parsed" : out.error));
    if (out.fast) {
        REQUIRE(out.tree);
        CHECK(difference(*out.fast, *out.tree) == "");
    }
    // parse_invocation is fast-then-tree: the same result or the same error as the tree path.
    try {
        const auto inv = skill::runtime::parse_invocation(text, limits);
        REQUIRE(out.tree);
        CHECK(difference(inv, *out.tree) == "");
    } catch (const ProtocolError& e) {
        CHECK(out.error == e.what());
    }
    return out;
}

// `text` must take the fast path (and agree with the tree).
void handled(const std::string& text, const ParseLimits& limits = {}) {
    INFO("expected the fast path to handle: " << text);
    CHECK(differential(text, limits).fast);
}

// `text` must be declined by the fast path (and parse_invocation still agree with the tree).
void declined(const std::string& text, const ParseLimits& limits = {}) {
    INFO("expected the fast path to decline: " << text);
    CHECK_FALSE(differential(text, limits).fast);
}

// Where the JSON value starting at `at` ends (roughly: the mutants need not stay valid).
std::size_t value_end(const std::string& text, std::size_t at) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = at; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth-- == 0) return i;
        } else if (c == ',' && depth == 0) {
            return i;
        }
    }
    return text.size();
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> out;
    const char* source = std::getenv("SKILL_SOURCE_DIR");
    if (!source) return out;  // run outside ctest: the inline bodies still cover the shapes
    const auto dir = std::filesystem::path(source) / "tests/fuzz/corpus/fuzz_invocation_parser";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
}

}  // namespace

TEST_CASE("the fast path handles the common shapes") {
    handled(bench_body());
    handled(bench_body(123456));
    handled(protocol_example);
    handled(spi_example);
    handled(body());
    handled(with_session(R"({"id":"s-1"})"));
    handled(with_session(R"({"id":"s","new":false,"attributes":{"a":"1","b":"2"}})"));
    handled(body(R"("attributes":{"a":["x"]},"attributesV2":{"b":[{"id":1,"value":"y"}]})"));
    handled(body(R"("configuration":{"a":"x","b":["y","z"],"c":[]})"));
    handled(body(R"("configuration":{"b":[true,false],"n":[0,-1,18446744073709551615,1.5,-0.0,)"
                 R"(1e2,1e-300],"z":[null],"m":["s",1,null,true]})"));
    handled(with_slot(R"("id":1,"value":"v","extras":{"k":"v","":"","\u00e9":"\n"})"));
    handled(body(R"("attributesV2":{"city":[{"id":1,"value":"Bonn"},{"id":2,"value":"Köln"}],)"
                 R"("e":[]})"));
    const auto fast = parse_invocation_fast(bench_body(7), {});
    REQUIRE(fast);
    CHECK(fast->intent == "BENCH_TELL");
    CHECK(fast->tokens.at("cvi") == bench_token);
    CHECK(fast->attributes_v2.at("timezone").at(0).value == "Europe/Berlin");
    REQUIRE(fast->session);
    CHECK(fast->session->id == "session-7");
}

TEST_CASE("the fast path on the parser tests' shapes") {
    for (const auto& text : corpus_files()) differential(text);
    declined(full_example);  // an object in a configuration list
    declined(R"({})");
    for (const char* member : {"intent", "locale", "tokens"})
        declined(with_context_member(member, ""));
    declined(with_session(R"({"new":true})"));
    declined(with_context_member("intent", R"("")"));
    declined(with_slot(R"("id":1)"));
    declined(with_slot(R"("value":"x")"));
    declined(R"({"context":[]})");
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{
             {"intent", "1"},
             {"intent", "null"},
             {"locale", "true"},
             {"tokens", R"("x")"},
             {"tokens", R"({"cvi":1})"},
             {"tokens", "null"},
             {"skillId", "{}"},
             {"clientTypeName", "[]"},
             {"userProfileConfig", "1.5"},
             {"attributes", R"({"a":"x"})"},
             {"attributes", R"({"a":["x",2]})"},
             {"attributes", R"({"a":null})"},
             {"attributes", R"({"a":[null]})"},
             {"attributes", R"([])"},
             {"attributesV2", R"({"a":[1]})"},
             {"attributesV2", R"({"a":[null]})"},
             {"attributesV2", R"({"a":null})"},
             {"attributesV2", R"({"a":[{"id":"1","value":"x"}]})"},
             {"attributesV2", R"({"a":[{"id":1.5,"value":"x"}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":2}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","nestedIn":["1"]}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","overlapsWith":{}}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","extras":[]}]})"},
             {"configuration", R"({"c":1})"},
             {"configuration", R"({"c":true})"},
             {"configuration", R"({"c":null})"},
             {"configuration", R"({"c":{}})"},
             {"configuration", R"([])"},
             {"configuration", R"({"c":[1e400]})"},
             {"configuration", R"({"c":[true,-1e400]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","extras":{"k":1}}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","extras":{"k":[]}}]})"},
             {"attributesV2", R"({"a":[{"id":1,"value":"x","extras":{"k":{}}}]})"},
         })
        declined(with_context_member(key, value));
    // Valid, but containers inside configuration lists go the slow way.
    for (const char* value : {R"([["x"]])", R"([{}])", R"([true,{"a":[1]}])", R"([[]])"})
        declined(with_context_member("configuration", std::string(R"({"c":)") + value + "}"));
    declined(with_session("[]"));
    declined(with_session(R"({"id":1})"));
    declined(with_session(R"({"id":null})"));
    declined(with_session(R"({"id":"s","new":"yes"})"));
    declined(with_session(R"({"id":"s","attributes":{"k":1}})"));
    declined(body("", R"("spiVersion":1)"));
    declined(body(R"("attributes":{")" + std::string(200, 'k') + R"(":1})"));
    declined("");
    declined("[1,2]");
    declined("\"x\"");
    declined("null");
    declined(R"({"context": tru})");
    declined(body() + "x");
    declined(body() + " {}");
    declined(R"({"context":)");
    declined(body().substr(0, body().size() - 1));
    declined(body(R"("skillId":"a)" + std::string("\xff") + "\""));
    declined(body(R"("skillId":")" + std::string("\xc0\xaf") + "\""));
    declined(body(R"("skillId":")" + std::string("\xed\xa0\x80") + "\""));
    declined(body(R"("x":)" + std::string(40, '[') + std::string(40, ']')));
    declined(body(R"("x":[[[]]])"), ParseLimits{.max_depth = 3});
    handled(body(R"("x":[[]])"), ParseLimits{.max_depth = 4});
    handled(body(), ParseLimits{.max_depth = 3});
    handled(" \n\t" + body() + " \r\n ");
    handled(R"( { "context" : { "intent" : "I" , "locale" : "de" , "tokens" : { } } } )");
}

TEST_CASE("the fast path: null means absent for optional members only") {
    handled(body(R"("skillId":null,"attributes":null,"configuration":null,"attributesV2":null,)"
                 R"("clientTypeName":null,"userProfileConfig":null)",
                 R"("session":null,"spiVersion":null)"));
    handled(with_session(R"({"id":"s","new":null,"attributes":null})"));
    handled(with_slot(R"("id":1,"value":"v","nestedIn":null,"overlapsWith":null,"extras":null)"));
    handled(body(R"("configuration":{"c":[null,null]})"));
    // attributes null: derived from attributesV2 as when absent
    handled(body(R"("attributes":null,"attributesV2":{"s":[{"id":1,"value":"v"}]})"));
    handled(body(R"("attributesV2":{"s":[{"id":1,"value":"v"}]},"attributes":null)"));
    handled(body(R"("attributesV2":{"s":[{"id":1,"value":"v"}]},"attributes":{})"));
    declined(with_slot(R"("id":null,"value":"v")"));
    declined(with_slot(R"("id":1,"value":null)"));
    declined(body(R"("tokens":{"cvi":null})"));
    declined(with_session(R"({"id":"s","attributes":{"k":null}})"));
    declined(body(R"("attributes":{"a":["x",null]})"));
    declined(with_slot(R"("id":1,"value":"v","nestedIn":[null])"));
    declined(with_slot(R"("id":1,"value":"v","extras":{"k":null})"));
}

TEST_CASE("the fast path: members in any order, unknown members of any shape") {
    handled(R"({"spiVersion":"1","session":{"attributes":{"k":"v"},"new":false,"id":"s"},)"
            R"("context":{"tokens":{"b":"2","a":"1"},"locale":"en","intent":"X",)"
            R"("attributesV2":{"z":[{"extras":{},"overlapsWith":[5],"value":"v","id":-3}]}}})");
    const std::string junk = R"({"a":[1,{"b":[null,true,false,1.5e300,-0,"\u0041\n"]},[[]]],)"
                             R"("c":{"d":{"e":{}}},"f":18446744073709551615,"g":1e400})";
    handled(body(R"("future":)" + junk + R"(,"n":null,"t":true,"s":"x","i":1)",
                 R"("other":)" + junk + R"(,"more":[)" + junk + "]"));
    handled(with_session(R"({"id":"s","x":)" + junk + "}"));
    handled(with_slot(R"("id":1,"value":"v","x":)" + junk + R"(,"y":[1.5])"));
    handled(body(R"("unknown":")" + std::string(100, 'x') + "\""), ParseLimits{32, 16});
    declined(with_slot(R"("id":1,"value":"v","extras":)" + junk));
    declined(with_slot(R"("id":1,"value":"v","extras":{"k":null})"));
    handled(with_slot(R"("id":1,"value":"v","extras":{ })"));
    handled(with_slot(R"("id":1,"value":"v","extras":{"a":"1","b":"2"})"));
}

TEST_CASE("the fast path: duplicate members and map keys go the slow way") {
    declined(body(R"("intent":"J")"));
    declined(body(R"("intent":1)"));
    declined(body(R"("tokens":{"x":"y"})"));
    declined(body(R"("skillId":"a","skillId":"b")"));
    declined(body(R"("skillId":null,"skillId":"b")"));
    declined(body(R"("attributes":{},"attributes":null)"));
    declined(body("", R"("context":{})"));
    declined(body("", R"("session":null,"session":{"id":"s"})"));
    declined(body("", R"("spiVersion":"1","spiVersion":"2")"));
    declined(body(R"("tokens":{"cvi":"a","cvi":"b"})"));
    declined(body(R"("tokens":{"cvi":"a","c\u0076i":"b"})"));
    declined(body(R"("attributes":{"a":["x"],"a":["y"]})"));
    declined(body(R"("configuration":{"a":"x","a":["y"]})"));
    declined(body(R"("configuration":{"a":[true],"a":[false]})"));
    declined(with_slot(R"("id":1,"value":"x","extras":{"k":"1","k":"2"})"));
    declined(body(R"("attributesV2":{"a":[],"a":[{"id":1,"value":"x"}]})"));
    declined(with_session(R"({"id":"s","id":"t"})"));
    declined(with_session(R"({"id":"s","attributes":{"k":"1","k":"2"}})"));
    declined(with_slot(R"("id":1,"id":2,"value":"x")"));
    declined(with_slot(R"("id":1,"value":"x","nestedIn":[],"nestedIn":[1])"));
    // Duplicates that nobody reads do not matter.
    handled(body(R"("x":1,"x":2)", R"("y":{"a":1,"a":2})"));
}

TEST_CASE("the fast path: strings and keys in parts, escapes, UTF-8") {
    handled(body(R"("skillId":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\u0000z")"));
    handled(R"({"context":{"int\u0065nt":"\u0049","locale":"d\u0065","tok\u0065ns":{"c\u0076i":)"
            R"("\"quoted\""}}})");
    handled(body(R"("attributes":{"\u00e9t\u00e9":["\n","x\ty","\ud83d\ude00"]})"));
    handled(body(R"("configuration":{"k\nk":"v\nv"})", R"("spiVersion":"1\u002e4")"));
    handled(body("\"skillId\":\"Köln 😀\""));
    // Longer than Boost's 4 KiB unescape buffer: several parts each.
    std::string escaped;
    for (int i = 0; i < 3000; ++i) escaped += "ab\\n\\u00e9";
    handled(R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":")" + escaped + R"("}}})");
    handled(body(R"("attributes":{")" + escaped + R"(":[")" + escaped + R"("]})"));
    handled(with_session(R"({"id":")" + escaped + R"(","attributes":{")" + escaped + R"(":"x"}})"));
    handled(body(R"("unknown":")" + escaped + R"(",")" + escaped + R"(":1)"));
}

TEST_CASE("the fast path: string limits count unescaped bytes") {
    const ParseLimits small{.max_depth = 32, .max_string_bytes = 8};
    const std::string head = R"({"context":{"intent":"I","locale":"de","tokens":{"cvi":"t"})";
    handled(head + R"(,"skillId":"12345678"}})", small);
    declined(head + R"(,"skillId":"123456789"}})", small);
    handled(head + R"(,"skillId":"\u00e9\u00e9\u00e9\u00e9"}})", small);  // 8 bytes
    declined(head + R"(,"skillId":"\u00e9\u00e9\u00e9\u00e9x"}})", small);
    handled(head + R"(,"skillId":"\n\n\n\n\n\n\n\n"}})", small);
    declined(head + R"(,"skillId":"\n\n\n\n\n\n\n\n\n"}})", small);
    handled(head + R"(,"attributes":{"12345678":["12345678"]}}})", small);  // key "attributes": 10
    handled(head + R"(,"unknownMember":1,"clientTypeName":"x"}})", small);
    declined(head + R"(,"attributes":{"123456789":[]}}})", small);
    declined(head + R"(,"attributes":{"a":["123456789"]}}})", small);
    declined(head + R"(,"attributes":{"1234567\n9":[]}}})", small);
    declined(head + R"(,"configuration":{"a":"123456789"}}})", small);
    declined(head + R"(,"configuration":{"a":[true,"123456789"]}}})", small);
    declined(head + R"(,"configuration":{"123456789":[true]}}})", small);
    handled(head + R"(,"configuration":{"12345678":[true,"12345678"]}}})", small);
    declined(head + R"(,"attributesV2":{"a":[{"id":1,"value":"v","extras":{"123456789":""}}]}}})",
             small);
    declined(head + R"(,"attributesV2":{"a":[{"id":1,"value":"v","extras":{"k":"123456789"}}]}}})",
             small);
    declined(head + R"(}, "session":{"id":"123456789"}})", small);
    declined(head + R"(}, "spiVersion":"123456789"})", small);
    declined(head + R"(,"attributesV2":{"123456789":[]}}})", small);
    declined(head + R"(,"attributesV2":{"a":[{"id":1,"value":"123456789"}]}}})", small);
    declined(R"({"context":{"intent":"123456789","locale":"de","tokens":{"cvi":"t"}}})", small);
}

TEST_CASE("the fast path: numbers") {
    for (const char* id : {"0", "-0", "1", "-1", "2147483647", "-2147483648"})
        handled(with_slot(R"("id":)" + std::string(id) + R"(,"value":"v","nestedIn":[)" + id +
                          R"(],"overlapsWith":[)" + id + "," + id + "]"));
    // Valid, but the tree path converts these: the fast path leaves them to it.
    for (const char* id : {"1.0", "1e2", "-0.0", "0e0", "1E+2"})
        declined(with_slot(R"("id":)" + std::string(id) + R"(,"value":"v")"));
    declined(with_slot(R"("id":1,"value":"v","nestedIn":[2.0])"));
    // Outside int32, the SPI's id type: refused by the tree, declined here.
    for (const char* id : {"2147483648", "-2147483649", "9223372036854775807",
                           "-9223372036854775808", "9223372036854775808", "18446744073709551615",
                           "1180591620717411303424", "1e400", "-1e400", "1.5",
                           "-9223372036854775809"}) {
        declined(with_slot(R"("id":)" + std::string(id) + R"(,"value":"v")"));
        declined(with_slot(R"("id":1,"value":"v","nestedIn":[)" + std::string(id) + "]"));
        declined(with_slot(R"("id":1,"value":"v","overlapsWith":[0,)" + std::string(id) + "]"));
    }
    declined(with_slot(R"("id":1,"value":"v","overlapsWith":[18446744073709551615])"));
    declined(with_slot(R"("id":01,"value":"v")"));
    declined(with_slot(R"("id":+1,"value":"v")"));
    declined(with_slot(R"("id":true,"value":"v")"));
}

TEST_CASE("the fast path: random mutations of valid bodies agree with the tree path") {
    const std::vector<std::string> seeds = {
        bench_body(), protocol_example, full_example, spi_example, body(),
        body(R"("configuration":{"a":"x","b":["y","z"]},"attributesV2":{"c":[{"id":1,"value":"B"},)"
             R"({"id":2,"value":"K","nestedIn":[1],"overlapsWith":[1,2]}],"e":[]})",
             R"("session":{"id":"s","new":false,"attributes":{"k":"v"}},"x":[1,{"y":null}])"),
        body(R"("skillId":"a\"b\u00e9\ud83d\ude00","attributes":{"\u00e9":["\n"]})"),
        body(R"("configuration":{"f":[true,1,-2.5,null,"x",18446744073709551615],"s":"v"},)"
             R"("attributesV2":{"a":[{"id":2147483647,"value":"v","nestedIn":null,)"
             R"("overlapsWith":[-2147483648],"extras":{"k":"v"}}]})")};
    const std::vector<std::string> keys = {
        "context", "session", "spiVersion", "intent", "locale", "tokens", "skillId",
        "attributesV2", "attributes", "configuration", "clientTypeName", "userProfileConfig",
        "id", "new", "value", "nestedIn", "overlapsWith", "extras", "cvi", "x"};
    const std::vector<std::string> values = {
        "null", "true", "0", "-1", "1.0", "1e2", "18446744073709551615", R"("")", R"("x")",
        R"("a\nb")", "[]", "[1]", R"(["x"])", "[null]", "{}", R"({"k":"v"})",
        R"({"id":1,"value":"v"})", R"([{"id":1,"value":"v"}])",
        R"({"s":[{"id":2,"value":"w","extras":{}}]})", "[true,1,null]", "2147483648",
        R"({"c":[false,2.5]})"};
    const std::string alphabet = "{}[]\",:\\ 0123456789.-+eEtrufalsn\nxu\xc3\xa9\xff";
    std::mt19937 rng(20261125);
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    std::size_t fast_accepted = 0, tree_accepted = 0;
    for (int round = 0; round < 5000; ++round) {
        std::string text = seeds[pick(seeds.size())];
        for (std::size_t edits = 1 + pick(3); edits > 0; --edits) {
            const std::size_t at = pick(text.size());
            switch (pick(7)) {
            case 0: text[at] = alphabet[pick(alphabet.size())]; break;  // byte flip
            case 1: text[at] = static_cast<char>(pick(256)); break;
            case 2: text.resize(at); break;  // truncation
            case 3: text.erase(at, 1 + pick(8)); break;
            case 4: text.insert(at, text.substr(pick(text.size()), 1 + pick(16))); break;
            case 6: {  // a member's value becomes another of some other type or shape
                const auto colon = text.find(':', at);
                if (colon == std::string::npos) break;
                const auto end = value_end(text, colon + 1);
                text.replace(colon + 1, end - colon - 1, values[pick(values.size())]);
                break;
            }
            case 5: {  // key rename: one quoted key becomes another (maybe a duplicate now)
                const auto& from = keys[pick(keys.size())];
                const auto pos = text.find('"' + from + '"');
                if (pos != std::string::npos)
                    text.replace(pos + 1, from.size(), keys[pick(keys.size())]);
                break;
            }
            }
            if (text.empty()) text = "{";
        }
        const ParseLimits limits = round % 5 == 0 ? ParseLimits{4, 16} : ParseLimits{};
        const auto outcome = differential(text, limits);
        if (!outcome.tree) REQUIRE_FALSE(outcome.fast);  // the tree refuses ⇒ the fast declines
        fast_accepted += outcome.fast.has_value();
        tree_accepted += outcome.tree.has_value();
    }
    // The loop means something only if many mutants stay valid and take the fast path.
    CHECK(fast_accepted > 200);
    CHECK(tree_accepted >= fast_accepted);
}

// Not run by default: the callgrind workload of the benchmark's body (run it by name).
TEST_CASE("parse bench body", "[.bench]") {
    const auto text = bench_body();
    std::size_t n = 0;
    for (int i = 0; i < 10000; ++i) n += skill::runtime::parse_invocation(text).intent.size();
    CHECK(n == 100000);
}
