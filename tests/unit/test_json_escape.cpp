// skill::json_escape, the one JSON string escaper (log lines and the response writer).
#include <catch2/catch.hpp>
#include <skill/json_escape.hpp>

#include <string>

using namespace std::string_view_literals;
using skill::json_escape::Del;

namespace {

template <Del del>
std::string escape(std::string_view s) {
    std::string out(skill::json_escape::max_expansion * s.size(), '\0');
    const char* end = skill::json_escape::escape_into<del>(out.data(), s);
    out.resize(static_cast<std::size_t>(end - out.data()));
    return out;
}

// As the response writer does it: pieces of at most `max` bytes.
std::string escape_in_pieces(std::string_view s, std::size_t max) {
    std::string out;
    while (!s.empty()) {
        const std::size_t n = skill::json_escape::piece_length(s, max);
        REQUIRE(n > 0);
        out += escape<Del::raw>(s.substr(0, n));
        s.remove_prefix(n);
    }
    return out;
}

}  // namespace

TEST_CASE("plain text is copied as it is", "[json_escape]") {
    CHECK(escape<Del::raw>("") == "");
    CHECK(escape<Del::raw>("hello, world: 0123456789") == "hello, world: 0123456789");
    CHECK(skill::json_escape::plain_run<Del::raw>("abcdefghijklmnop\"q"sv, 0) == 16);
    CHECK(skill::json_escape::plain_run<Del::raw>("abcdefghijklmnop\"q"sv, 3) == 13);
    CHECK(skill::json_escape::plain_run<Del::raw>("abc\x7F"sv, 0) == 4);
    CHECK(skill::json_escape::plain_run<Del::escaped>("abc\x7F"sv, 0) == 3);
    CHECK(skill::json_escape::plain_run<Del::raw>("12345678\xC3\xA4"sv, 0) == 8);
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
        CHECK(skill::json_escape::plain_run<Del::raw>(s, 0) == k);
    }
}

TEST_CASE("DEL is raw or escaped by policy", "[json_escape]") {
    CHECK(escape<Del::raw>("a\x7F" "b") == "a\x7F" "b");
    CHECK(escape<Del::raw>("12345678\x7F") == "12345678\x7F");
    CHECK(escape<Del::escaped>("a\x7F" "b") == R"(a\u007fb)");
    CHECK(escape<Del::escaped>("12345678\x7F") == R"(12345678\u007f)");
}

TEST_CASE("valid UTF-8 is kept, invalid bytes become U+FFFD", "[json_escape]") {
    CHECK(escape<Del::raw>("Gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80") == "Gr\xC3\xBC\xC3\x9F \xF0\x9F\x98\x80");
    CHECK(escape<Del::raw>("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(escape<Del::escaped>("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    // Every output byte count stays within max_expansion per input byte.
    CHECK(escape<Del::escaped>(std::string(10, '\x01')).size() == 60);
}

TEST_CASE("escaping in pieces gives what escaping the whole gives", "[json_escape]") {
    // A sequence, valid or not, at every offset around a piece boundary.
    for (const auto* seq : {"\xC3\xA4", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xE2\x82", "\x80\x80\x80\x80\x80",
                            "\xF0\x9F\x98", "\"\n"}) {
        for (std::size_t pad = 0; pad < 12; ++pad) {
            const std::string s = std::string(pad, 'x') + seq + "tail" + seq;
            for (std::size_t max = 4; max < 12; ++max) CHECK(escape_in_pieces(s, max) == escape<Del::raw>(s));
        }
    }
}
