// skill::json_escape, the one JSON string escaper (log lines and the response writer).
#include <catch2/catch.hpp>
#include <skill/json_escape.hpp>

#include <string>

using namespace std::string_view_literals;
using skill::json_escape::Del;

namespace {

template <Del del>
std::string escape(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t run = skill::json_escape::plain_run<del>(s, i);
        out.append(s.data() + i, run);
        i += run;
        if (i < s.size()) {
            char buf[skill::json_escape::max_escape_bytes];
            const char* end = skill::json_escape::escape_one<del>(buf, s, i);
            out.append(buf, static_cast<std::size_t>(end - buf));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("plain text is copied as it is", "[json_escape]") {
    CHECK(escape<Del::raw>("") == "");
    CHECK(escape<Del::raw>("hello, world: 0123456789") == "hello, world: 0123456789");
    CHECK(skill::json_escape::plain_run<Del::raw>("abcdefghijklmnop\"q"sv, 0) == 16);
    CHECK(skill::json_escape::plain_run<Del::raw>("abcdefghijklmnop\"q"sv, 3) == 13);
}

TEST_CASE("quotes, backslashes and control characters are escaped", "[json_escape]") {
    CHECK(escape<Del::raw>("say \"hi\"\\") == R"(say \"hi\"\\)");
    CHECK(escape<Del::raw>("a\nb\rc\td\be\ff") == R"(a\nb\rc\td\be\ff)");
    CHECK(escape<Del::raw>(std::string("\x01\x1F\0", 3)) == R"(\u0001\u001f\u0000)");
    // A special byte in every position of an eight-byte word is found.
    for (std::size_t k = 0; k < 16; ++k) {
        std::string s(16, 'x');
        s[k] = '"';
        std::string want(16, 'x');
        want.replace(k, 1, "\\\"");
        CHECK(escape<Del::escaped>(s) == want);
    }
}

TEST_CASE("DEL is raw or escaped by policy", "[json_escape]") {
    CHECK(escape<Del::raw>("a\x7F" "b") == "a\x7F" "b");
    CHECK(escape<Del::escaped>("a\x7F" "b") == R"(a\u007fb)");
    CHECK(escape<Del::escaped>("12345678\x7F") == R"(12345678\u007f)");
}

TEST_CASE("valid UTF-8 is kept, invalid bytes become U+FFFD", "[json_escape]") {
    CHECK(escape<Del::raw>("Gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80") == "Gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80");
    CHECK(escape<Del::raw>("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(escape<Del::escaped>("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}
