// Document: safe at every depth, typed accessors that never throw.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <atomic>
#include <limits>
#include <string>
#include <thread>
#include <vector>
#include <skill/json.hpp>

using skill::Document;

namespace {

Document parse(const char* text) {
    return skill::to_document(boost::json::parse(text));
}

const char* const sample = R"({
    "name": "Anna",
    "visits": 3,
    "ratio": 0.5,
    "whole": 3.0,
    "big": 18446744073709551615,
    "max": 9223372036854775807,
    "negative": -7,
    "flag": false,
    "nothing": null,
    "empty_string": "",
    "empty_list": [],
    "empty_object": {},
    "list": [1, "two", {"three": 3}],
    "nested": {"a": {"b": {"c": "deep"}}}
})";

}  // namespace

TEST_CASE("a missing path is an empty Document at every depth") {
    auto data = parse(sample);
    auto check_missing = [](const Document& d) {
        CHECK_FALSE(d.exists());
        CHECK_FALSE(static_cast<bool>(d));
        CHECK(d.empty());
        CHECK(d.size() == 0);
        CHECK(d.keys().empty());
        CHECK_FALSE(d.as_string());
        CHECK_FALSE(d.as_int());
        CHECK_FALSE(d.as_double());
        CHECK_FALSE(d.as_bool());
        CHECK(skill::json_of(d).is_null());
        CHECK(skill::object_of(d).empty());
    };
    SECTION("missing key") {
        check_missing(data["a"]["b"]["c"]["d"]);
    }
    SECTION("present key, missing subkey") {
        check_missing(data["nested"]["a"]["x"]["d"]);
    }
    SECTION("below a string") {
        check_missing(data["name"]["b"]["c"]["d"]);
    }
    SECTION("below an array") {
        check_missing(data["list"]["b"]["c"]["d"]);
    }
    SECTION("below null") {
        check_missing(data["nothing"]["b"]["c"]["d"]);
    }
    SECTION("below a number and a bool") {
        check_missing(data["visits"]["b"]);
        check_missing(data["flag"]["b"]);
    }
    SECTION("indexing a non-array") {
        check_missing(data[0]);
        check_missing(data["name"][0][1]);
        check_missing(data["nested"][0]);
    }
    SECTION("index out of range or negative") {
        check_missing(data["list"][3]);
        check_missing(data["list"][-1]);
        check_missing(data["list"][std::numeric_limits<std::size_t>::max()]);
    }
    SECTION("a default-constructed Document") {
        check_missing(Document()["a"][0]["b"]);
    }
}

TEST_CASE("present paths reach their values at every depth") {
    auto data = parse(sample);
    CHECK(data["nested"]["a"]["b"]["c"].as_string() == "deep");
    CHECK(data["list"][0].as_int() == 1);
    CHECK(data["list"][1].as_string() == "two");
    CHECK(data["list"][2]["three"].as_int() == 3);
    CHECK(data["list"][std::size_t{2}]["three"].as_int() == 3);
}

TEST_CASE("as_string only accepts a JSON string") {
    auto data = parse(sample);
    CHECK(data["name"].as_string() == "Anna");
    CHECK(data["empty_string"].as_string() == "");
    for (auto key : {"visits", "ratio", "flag", "nothing", "list", "nested"}) {
        INFO(key);
        CHECK_FALSE(data[key].as_string());
    }
}

TEST_CASE("as_int only accepts integral numbers that fit int64") {
    auto data = parse(sample);
    CHECK(data["visits"].as_int() == 3);
    CHECK(data["negative"].as_int() == -7);
    CHECK(data["max"].as_int() == std::numeric_limits<std::int64_t>::max());
    CHECK_FALSE(data["big"].as_int());    // uint64 beyond INT64_MAX
    CHECK_FALSE(data["whole"].as_int());  // 3.0 is a double: no silent truncation
    CHECK_FALSE(data["ratio"].as_int());
    for (auto key : {"name", "flag", "nothing", "list", "nested"}) {
        INFO(key);
        CHECK_FALSE(data[key].as_int());
    }
}

TEST_CASE("as_double accepts any JSON number") {
    auto data = parse(sample);
    CHECK(data["ratio"].as_double() == 0.5);
    CHECK(data["whole"].as_double() == 3.0);
    CHECK(data["visits"].as_double() == 3.0);
    CHECK(data["negative"].as_double() == -7.0);
    CHECK(data["big"].as_double() == Approx(18446744073709551615.0));
    for (auto key : {"name", "flag", "nothing", "list", "nested"}) {
        INFO(key);
        CHECK_FALSE(data[key].as_double());
    }
}

TEST_CASE("as_bool only accepts a JSON bool") {
    auto data = parse(R"({"t": true, "f": false, "one": 1, "s": "true", "n": null})");
    CHECK(data["t"].as_bool() == true);
    CHECK(data["f"].as_bool() == false);
    CHECK_FALSE(data["one"].as_bool());
    CHECK_FALSE(data["s"].as_bool());
    CHECK_FALSE(data["n"].as_bool());
}

TEST_CASE("value_or gives the typed value or the fallback") {
    auto data = parse(sample);
    CHECK(data["visits"].value_or(0) == 3);
    CHECK(data["visits"].value_or(std::int64_t{0}) == 3);
    CHECK(data["missing"].value_or(42) == 42);
    CHECK(data["name"].value_or(42) == 42);
    CHECK(data["ratio"].value_or(1.5) == 0.5);
    CHECK(data["name"].value_or(1.5) == 1.5);
    CHECK(data["flag"].value_or(true) == false);
    CHECK(data["visits"].value_or(true) == true);  // a number is not a bool
    CHECK(data["name"].value_or("nobody") == "Anna");
    CHECK(data["visits"].value_or("nobody") == "nobody");
    CHECK(data["a"]["b"]["c"].value_or(std::string("deep")) == "deep");
}

TEST_CASE("exists, bool and empty tell missing, null and empty values apart") {
    auto data = parse(sample);
    CHECK(data["nothing"].exists());
    CHECK_FALSE(static_cast<bool>(data["nothing"]));
    CHECK(data["nothing"].empty());

    for (auto key : {"empty_string", "empty_list", "empty_object"}) {
        INFO(key);
        CHECK(data[key].exists());
        CHECK(static_cast<bool>(data[key]));
        CHECK(data[key].empty());
    }
    // 0 and false are values, not emptiness.
    auto zero = parse(R"({"zero": 0, "no": false})");
    CHECK_FALSE(zero["zero"].empty());
    CHECK_FALSE(zero["no"].empty());
    CHECK(static_cast<bool>(zero["no"]));
    CHECK_FALSE(data["name"].empty());
    CHECK_FALSE(data["list"].empty());
}

TEST_CASE("size, keys, is_object and is_array") {
    auto data = parse(sample);
    CHECK(data.is_object());
    CHECK_FALSE(data.is_array());
    CHECK(data["list"].is_array());
    CHECK_FALSE(data["list"].is_object());
    CHECK(data["list"].size() == 3);
    CHECK(data["nested"].size() == 1);
    CHECK(data["name"].size() == 0);
    CHECK(data["list"].keys().empty());
    CHECK(parse(R"({"z": 1, "a": 2, "m": 3})").keys() ==
          std::vector<std::string>{"z", "a", "m"});  // document order
}

TEST_CASE("object_of() copies an object, else gives an empty one") {
    auto data = parse(sample);
    auto nested = skill::object_of(data["nested"]["a"]);
    CHECK(nested.size() == 1);
    nested["extra"] = 1;  // modifying the copy leaves the Document alone
    CHECK(data["nested"]["a"].size() == 1);
    CHECK(skill::object_of(data["list"]).empty());
    CHECK(skill::object_of(data["name"]).empty());
    CHECK(skill::object_of(data["missing"]).empty());
}

TEST_CASE("json_of() exposes the node, null when missing") {
    auto data = parse(sample);
    CHECK(skill::json_of(data["list"]).is_array());
    CHECK(skill::json_of(data["nothing"]).is_null());
    CHECK(skill::json_of(data["missing"]).is_null());
}

TEST_CASE("children and copies outlive the Document they came from") {
    Document child;
    Document copy;
    {
        auto data = parse(sample);
        child = data["nested"]["a"]["b"];
        copy = data;
    }
    CHECK(child["c"].as_string() == "deep");
    CHECK(copy["list"][1].as_string() == "two");
}

TEST_CASE("a Document of a scalar root behaves like that scalar") {
    CHECK(skill::to_document(boost::json::value(5)).as_int() == 5);
    CHECK(skill::to_document(boost::json::value("x")).as_string() == "x");
    CHECK_FALSE(skill::to_document(boost::json::value(5))["a"].exists());
    CHECK(skill::to_document(boost::json::value(nullptr)).exists());
    CHECK_FALSE(static_cast<bool>(skill::to_document(boost::json::value(nullptr))));
}

// --- construction ---------------------------------------------------------------------------

namespace {

std::string text(const Document& d) { return d.to_json_text(); }

}  // namespace

TEST_CASE("every scalar constructs the JSON value of its kind") {
    CHECK(text(nullptr) == "null");
    CHECK(Document(nullptr).exists());
    CHECK_FALSE(static_cast<bool>(Document(nullptr)));
    CHECK(text(true) == "true");
    CHECK(text(false) == "false");
    CHECK(Document(false).as_bool() == false);
    CHECK(Document(false).exists());
    CHECK(static_cast<bool>(Document(false)));  // a value, not null
    CHECK(text(0) == "0");
    CHECK(text(-7) == "-7");
    CHECK(text(std::int64_t{-9223372036854775807 - 1}) == "-9223372036854775808");
    CHECK(text(std::uint64_t{18446744073709551615u}) == "18446744073709551615");
    CHECK(Document(std::uint64_t{18446744073709551615u}).as_double() == 18446744073709551615.0);
    CHECK_FALSE(Document(std::uint64_t{18446744073709551615u}).as_int());
    CHECK(text(static_cast<short>(-3)) == "-3");
    CHECK(text(static_cast<unsigned char>(200)) == "200");
    CHECK(text(5u) == "5");
    CHECK(text(7L) == "7");
    CHECK(Document(42).as_int() == 42);
    CHECK_FALSE(Document(42).as_bool());
    CHECK(text(2.5) == "2.5E0");  // Boost.JSON's spelling of a double
    CHECK(Document(2.5).as_double() == 2.5);
    CHECK(Document(2.5f).as_double() == 2.5);
    CHECK_FALSE(Document(2.5).as_int());
    CHECK(text("Anna") == R"("Anna")");
    CHECK(text(std::string_view("a\"b\n")) == R"("a\"b\n")");
    const std::string s = "é";
    CHECK(Document(s).as_string() == "é");
    CHECK(Document(std::string("x")).as_string() == "x");
    CHECK(text(Document()) == "null");  // missing has no spelling of its own
    CHECK_FALSE(Document().exists());
}

TEST_CASE("a braced list of [string, value] pairs is an object, any other list an array") {
    CHECK(text({{"name", "Anna"}, {"visits", 3}}) == R"({"name":"Anna","visits":3})");
    CHECK(text({1, 2, 3}) == "[1,2,3]");
    CHECK(text({"a", "b"}) == R"(["a","b"])");           // a pair is an array...
    CHECK(text({{"a", "b"}}) == R"({"a":"b"})");         // ...a list of pairs an object
    CHECK(text({{"a", 1}, {2, 3}}) == R"([["a",1],[2,3]])");  // a pair not keyed by a string
    CHECK(text({{"a", 1}, {"b", 2, 3}}) == R"([["a",1],["b",2,3]])");  // three elements
    CHECK(text({{"a", 1}, 5}) == R"([["a",1],5])");
    CHECK(text({nullptr, true, 1.5, "s"}) == R"([null,true,1.5E0,"s"])");
    CHECK(text({Document(), 1}) == "[null,1]");  // a missing element is null
    CHECK(text({{"k", 1}, {"k", 2}}) == R"({"k":2})");  // the last duplicate wins
    CHECK(text(Document::object()) == "{}");
    CHECK(text(Document::array()) == "[]");
    CHECK(Document::object().is_object());
    CHECK(Document::array().is_array());
    CHECK(Document::object().empty());
}

TEST_CASE("nested lists build nested objects and arrays") {
    const Document user{{"name", "Anna"},
                        {"profile", {{"city", "Bonn"}, {"zip", "53111"}}},
                        {"tags", {"a", "b", "c"}},
                        {"scores", {1, 2}},
                        {"none", nullptr},
                        {"deep", {{"a", {{"b", {{"c", 1}}}}}}}};
    CHECK(text(user) ==
          R"({"name":"Anna","profile":{"city":"Bonn","zip":"53111"},"tags":["a","b","c"],)"
          R"("scores":[1,2],"none":null,"deep":{"a":{"b":{"c":1}}}})");
    CHECK(user["profile"]["city"].as_string() == "Bonn");
    CHECK(user["tags"][2].as_string() == "c");
    CHECK(user["deep"]["a"]["b"]["c"].as_int() == 1);
    CHECK(user.keys() == std::vector<std::string>{"name", "profile", "tags", "scores", "none", "deep"});
    // A Document inside a list is copied in, wherever it came from.
    const Document inner = user["profile"];
    CHECK(text({{"home", inner}, {"list", {inner, inner["zip"]}}}) ==
          R"({"home":{"city":"Bonn","zip":"53111"},"list":[{"city":"Bonn","zip":"53111"},"53111"]})");
}

TEST_CASE("list-initialising from one Document wraps it (the footgun)") {
    const Document numbers{1, 2};
    const Document wrapped{numbers};
    CHECK(text(wrapped) == "[[1,2]]");
    const Document pair{"k", 1};
    const Document object{pair};  // a lone [string, value] pair makes an object
    CHECK(text(object) == R"({"k":1})");
    const Document copy(numbers);  // parentheses (or =) copy
    CHECK(text(copy) == "[1,2]");
    const Document one{3};
    CHECK(text(one) == "[3]");
}

TEST_CASE("with() sets one member of a copy, the original stays as it was") {
    const Document original{{"a", 1}, {"b", 2}};
    const auto changed = original.with("b", 3).with("c", {{"d", true}});
    CHECK(text(original) == R"({"a":1,"b":2})");
    CHECK(text(changed) == R"({"a":1,"b":3,"c":{"d":true}})");  // replaced in place, added last
    CHECK(text(original.with("a", Document())) == R"({"a":null,"b":2})");
    // Not an object (missing included): an object with only that member.
    CHECK(text(Document().with("k", "v")) == R"({"k":"v"})");
    CHECK(text(Document(5).with("k", 1)) == R"({"k":1})");
    CHECK(text(Document{1, 2}.with("k", 1)) == R"({"k":1})");
    // A child's with() copies the child, not the tree around it.
    CHECK(text(changed["c"].with("e", 1)) == R"({"d":true,"e":1})");
    CHECK(text(changed) == R"({"a":1,"b":3,"c":{"d":true}})");
    // Read-modify-write of stored data.
    const Document stored{{"visits", 41}, {"name", "Anna"}};
    const auto next = stored.with("visits", stored["visits"].value_or(0) + 1);
    CHECK(text(next) == R"({"visits":42,"name":"Anna"})");
    CHECK(stored["visits"].as_int() == 41);
}

TEST_CASE("with() on an rvalue shared with another handle still copies") {
    Document a{{"x", 1}};
    Document b = a;
    Document c = std::move(b).with("y", 2);
    CHECK(text(a) == R"({"x":1})");
    CHECK(text(c) == R"({"x":1,"y":2})");
    const Document value{{"z", 1}};
    Document d = Document::object().with("v", value);  // `value` keeps its own tree
    CHECK(text(value) == R"({"z":1})");
    CHECK(text(d) == R"({"v":{"z":1}})");
    d = std::move(d).with("self", d);  // the argument shares d's tree: copied first
    CHECK(text(d) == R"({"v":{"z":1},"self":{"v":{"z":1}}})");
}

TEST_CASE("copies share the tree and keep it alive, on any thread") {
    Document copy;
    {
        const Document original{{"list", {1, 2, 3}}};
        copy = original;
        Document moved = std::move(copy);
        CHECK_FALSE(copy.exists());  // NOLINT: a moved-from Document is missing
        copy = moved;
        copy = copy;  // self-assignment keeps the value
    }
    CHECK(copy["list"][2].as_int() == 3);

    const Document shared{{"n", 7}, {"s", "text"}};
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&shared, &good] {
            for (int i = 0; i < 10000; ++i) {
                Document local = shared;                 // increment
                Document child = local["s"];             // increment
                if (child.as_string() == "text" && local["n"].as_int() == 7) ++good;
            }                                             // decrements
        });
    }
    for (auto& t : threads) t.join();
    CHECK(good == 40000);
    CHECK(shared["n"].as_int() == 7);
}

TEST_CASE("to_json_text writes what Boost.JSON's serialize writes") {
    const auto data = parse(sample);
    CHECK(data.to_json_text() == boost::json::serialize(skill::json_of(data)));
    CHECK(data["list"].to_json_text() == R"([1,"two",{"three":3}])");
    CHECK(data["missing"].to_json_text() == "null");
    CHECK(data["nothing"].to_json_text() == "null");
}

// --- skill/json.hpp -------------------------------------------------------------------------

TEST_CASE("to_document, json_of and object_of convert both ways") {
    boost::json::value value = boost::json::parse(R"({"a":[1,{"b":null}],"c":"d"})");
    const auto doc = skill::to_document(value);
    CHECK(skill::json_of(doc) == value);
    CHECK(&skill::json_of(doc["a"]) == &skill::json_of(doc).at("a"));  // a view, no copy
    CHECK(skill::json_of(doc["a"][1]["b"]).is_null());
    CHECK(skill::to_document(nullptr).exists());  // JSON null stays present
    CHECK(skill::json_of(Document()).is_null());
    auto object = skill::object_of(doc);
    object["e"] = 1;  // a modifiable copy
    CHECK_FALSE(doc["e"].exists());
    CHECK(skill::to_document(object)["e"].as_int() == 1);
    CHECK(skill::object_of(doc["a"]).empty());
    // A Document built in the SDK reads the same through Boost.JSON.
    CHECK(skill::json_of(Document{{"a", {1, Document{{"b", nullptr}}}}, {"c", "d"}}) == value);
}

TEST_CASE("to_document copies out of a memory resource it cannot keep alive") {
    Document doc;
    {
        unsigned char buffer[4096];
        boost::json::monotonic_resource arena(buffer, sizeof buffer);
        auto value = boost::json::parse(R"({"key":"a string too long for short-string storage"})",
                                        &arena);
        doc = skill::to_document(std::move(value));
    }
    CHECK(doc["key"].as_string() == "a string too long for short-string storage");
}
