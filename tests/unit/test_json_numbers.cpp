// parse_checked: boost::json::parse, minus the numbers JSON cannot round-trip.
#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "json_numbers.hpp"

using namespace skill::stub;
namespace json = boost::json;

namespace {

boost::system::error_code error_of(std::string_view text) {
    boost::system::error_code ec;
    parse_checked(text, ec);
    return ec;
}

}  // namespace

TEST_CASE("parse_checked gives what boost::json::parse gives for ordinary JSON", "[json]") {
    for (std::string_view text :
         {R"({"a":[1,-2,3.5,"x",true,false,null,{}],"b":{"c":-0.0}})", "[]", "0", "-0", "1.0",
          R"("text")", "1e19", "1.5e308", "-1.5e308", "1e-400", "18446744073709551615",
          "-9223372036854775808", "9223372036854775808", "123456789012345678901234567890.5",
          " { \"k\" : 1 } "}) {
        boost::system::error_code ec;
        const json::value v = parse_checked(text, ec);
        INFO(text);
        REQUIRE_FALSE(ec);
        CHECK(v == json::parse(text));
        // ... and what it gives serialises to text that parses back to the same value.
        CHECK(json::parse(json::serialize(v)) == v);
    }
    boost::system::error_code ec;
    CHECK(parse_checked("18446744073709551615", ec).is_uint64());
    CHECK(parse_checked("-9223372036854775808", ec).is_int64());
}

TEST_CASE("numbers that overflow a double are refused", "[json]") {
    for (std::string_view text : {"1e400", "-1e400", "1E400", "2e308", "[1,{\"n\":1e999}]",
                                  "1.7976931348623159e308", R"({"data":{"n":1e400}})"}) {
        INFO(text);
        CHECK(error_of(text) == NumberError::not_finite);
    }
}

TEST_CASE("integer literals outside int64 and uint64 are refused", "[json]") {
    for (std::string_view text : {"18446744073709551616", "-9223372036854775809",
                                  "99999999999999999999999999", R"({"data":{"n":[0,1e3,36893488147419103232]}})"}) {
        INFO(text);
        CHECK(error_of(text) == NumberError::integer_out_of_range);
    }
    // With a fraction or an exponent the literal asks for a double: fine.
    CHECK_FALSE(error_of("18446744073709551616.0"));
    CHECK_FALSE(error_of("1.8446744073709552e19"));
    CHECK_FALSE(error_of("99999999999999999999999999e0"));
}

TEST_CASE("parse_checked reports the usual parse errors", "[json]") {
    CHECK(error_of("") == json::error::incomplete);
    CHECK(error_of("{") == json::error::incomplete);
    CHECK(error_of("{} x") == json::error::extra_data);
    CHECK(error_of("nope"));
    json::parse_options shallow;
    shallow.max_depth = 2;
    boost::system::error_code ec;
    parse_checked("[[[1]]]", ec, {}, shallow);
    CHECK(ec == json::error::too_deep);
    CHECK(error_of("1e400").message().find("finite") != std::string::npos);
}

TEST_CASE("finite_numbers finds a non-finite double at any depth", "[json]") {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(finite_numbers(json::object{{"a", 1.5}, {"b", {1, 2}}, {"c", "x"}}));
    CHECK_FALSE(finite_numbers(json::object{{"a", inf}}));
    CHECK_FALSE(finite_numbers(json::object{{"a", {{"b", json::array{1, -inf}}}}}));
    CHECK_FALSE(finite_numbers(json::value(nan)));
}
