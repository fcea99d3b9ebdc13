// The placeholder formatter behind ctx.tr(): named and positional placeholders, numbers,
// escapes, and what happens to a placeholder without an argument.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <skill/message.hpp>

using skill::arg;
using skill::format_message;
using skill::MessageArg;

namespace {
template <class... A>
std::string fmt(std::string_view pattern, const A&... a) {
    const std::array<MessageArg, sizeof...(A)> args{MessageArg(a)...};
    return format_message(pattern, args);
}
}  // namespace

TEST_CASE("named placeholders take the argument of that name, in any order") {
    CHECK(fmt("Hello, {name}! You have {count} new messages.", arg("count", 3),
              arg("name", "Anna")) == "Hello, Anna! You have 3 new messages.");
    CHECK(fmt("{a}{a}{b}", arg("a", "x"), arg("b", "y")) == "xxy");
    CHECK(fmt("{_under_score9}", arg("_under_score9", "ok")) == "ok");
}

TEST_CASE("positional placeholders count every argument, named or not") {
    CHECK(fmt("{1} before {0}", "first", "second") == "second before first");
    CHECK(fmt("{0} and {1}", arg("name", "Anna"), 7) == "Anna and 7");
    CHECK(fmt("{0}{0}", std::string("ab")) == "abab");
}

TEST_CASE("numbers are written in the C locale, reals in their shortest exact form") {
    CHECK(fmt("{0} {1} {2} {3}", -42, 42u, 2.5, 0.1) == "-42 42 2.5 0.1");
    CHECK(fmt("{0}", std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
    CHECK(fmt("{0}", std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
    CHECK(fmt("{0}", 1e21) == "1e+21");
    CHECK(fmt("{0}", 3.0f) == "3");
}

TEST_CASE("doubled braces are literal braces; a brace that opens no placeholder is text") {
    CHECK(fmt("{{name}} is {name}", arg("name", "x")) == "{name} is x");
    CHECK(fmt("a }} b {{", 1) == "a } b {");
    CHECK(fmt("{ } {a-b} {} {9x} unclosed {name", arg("name", "x")) ==
          "{ } {a-b} {} {9x} unclosed {name");
    CHECK(fmt("lone } brace") == "lone } brace");
}

TEST_CASE("a placeholder without an argument stays as written and is reported") {
    std::vector<std::string> unresolved;
    const std::array<MessageArg, 1> args{arg("name", "Anna")};
    CHECK(format_message("{name} has {count} and {3}", args, &unresolved) ==
          "Anna has {count} and {3}");
    CHECK(unresolved == std::vector<std::string>{"count", "3"});
    CHECK(format_message("no args {0}", {}) == "no args {0}");
}

TEST_CASE("text arguments are copied as they are, braces included (no second expansion)") {
    CHECK(fmt("say {0}", "{name}") == "say {name}");
    CHECK(fmt("{0}", "") == "");
    CHECK(fmt("Grüße, {name}", arg("name", "Jürgen")) == "Grüße, Jürgen");
}

TEST_CASE("message_placeholders lists each placeholder once, in order") {
    CHECK(skill::message_placeholders("{b} {a} {b} {{c}} {0} { x }") ==
          std::vector<std::string>{"b", "a", "0"});
    CHECK(skill::message_placeholders("none").empty());
}
