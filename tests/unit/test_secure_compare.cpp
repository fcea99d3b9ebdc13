// skill::constant_time_equal, the one comparison of secrets (Basic auth, JWT signatures, cached tokens).
#include <catch2/catch.hpp>
#include <skill/secure_compare.hpp>
#include <string>

TEST_CASE("constant_time_equal compares contents and length", "[secure_compare]") {
    using skill::constant_time_equal;
    CHECK(constant_time_equal("abc", "abc"));
    CHECK(constant_time_equal("", ""));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "bbc"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("abcd", "abc"));
    CHECK_FALSE(constant_time_equal("", "a"));
    // Bytes, not C strings: an embedded NUL is compared like any other byte.
    CHECK(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
    CHECK_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
    const std::string long_a(4096, 'x');
    std::string long_b = long_a;
    CHECK(constant_time_equal(long_a, long_b));
    long_b.back() = 'y';
    CHECK_FALSE(constant_time_equal(long_a, long_b));
}
