// Document: safe at every depth, typed accessors that never throw.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <skill/document.hpp>

using skill::Document;

namespace {

Document parse(const char* text) {
    return Document(boost::json::parse(text));
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
        CHECK(d.json().is_null());
        CHECK(d.object().empty());
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

TEST_CASE("object() copies an object, else gives an empty one") {
    auto data = parse(sample);
    auto nested = data["nested"]["a"].object();
    CHECK(nested.size() == 1);
    nested["extra"] = 1;  // modifying the copy leaves the Document alone
    CHECK(data["nested"]["a"].size() == 1);
    CHECK(data["list"].object().empty());
    CHECK(data["name"].object().empty());
    CHECK(data["missing"].object().empty());
}

TEST_CASE("json() exposes the node, null when missing") {
    auto data = parse(sample);
    CHECK(data["list"].json().is_array());
    CHECK(data["nothing"].json().is_null());
    CHECK(data["missing"].json().is_null());
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
    CHECK(Document(boost::json::value(5)).as_int() == 5);
    CHECK(Document(boost::json::value("x")).as_string() == "x");
    CHECK_FALSE(Document(boost::json::value(5))["a"].exists());
    CHECK(Document(boost::json::value(nullptr)).exists());
    CHECK_FALSE(static_cast<bool>(Document(boost::json::value(nullptr))));
}
