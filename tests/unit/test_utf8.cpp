// skill::utf8, the one UTF-8 validator (protocol reader, response writer, log escaping).
#include <catch2/catch.hpp>
#include <skill/utf8.hpp>

#include <string>

using namespace std::string_view_literals;

TEST_CASE("sequence_length accepts well-formed sequences", "[utf8]") {
    using skill::utf8::sequence_length;
    CHECK(sequence_length("a"sv, 0) == 1);
    CHECK(sequence_length("\xC3\xA4"sv, 0) == 2);          // ä
    CHECK(sequence_length("\xE2\x82\xAC"sv, 0) == 3);      // €
    CHECK(sequence_length("\xF0\x9F\x98\x80"sv, 0) == 4);  // 😀
    CHECK(sequence_length("\xF4\x8F\xBF\xBF"sv, 0) == 4);  // U+10FFFF
}

TEST_CASE("sequence_length rejects what RFC 3629 forbids", "[utf8]") {
    using skill::utf8::sequence_length;
    CHECK(sequence_length("\x80"sv, 0) == 0);              // lone continuation byte
    CHECK(sequence_length("\xC0\xAF"sv, 0) == 0);          // overlong '/'
    CHECK(sequence_length("\xE0\x80\xAF"sv, 0) == 0);      // overlong, 3 bytes
    CHECK(sequence_length("\xED\xA0\x80"sv, 0) == 0);      // surrogate U+D800
    CHECK(sequence_length("\xF4\x90\x80\x80"sv, 0) == 0);  // above U+10FFFF
    CHECK(sequence_length("\xF5\x80\x80\x80"sv, 0) == 0);
    CHECK(sequence_length("\xE2\x82"sv, 0) == 0);          // cut short
    CHECK(sequence_length("\xE2\x28\xAC"sv, 0) == 0);      // bad continuation
}

TEST_CASE("first_invalid and truncate", "[utf8]") {
    using namespace skill::utf8;
    CHECK(first_invalid("ok \xC3\xA4"sv) == 5);
    CHECK(first_invalid("ok \xC3"sv) == 3);
    CHECK(first_invalid(""sv) == 0);
    CHECK(truncate("a\xC3\xA4"sv, 2) == "a"sv);  // does not split ä
    CHECK(truncate("a\xC3\xA4"sv, 3) == "a\xC3\xA4"sv);
    CHECK(truncate("abc"sv, 10) == "abc"sv);
}
