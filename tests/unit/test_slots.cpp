// Slot text conversions (skill/slots.hpp) and SlotError's message.
#include <skill/context.hpp>
#include <skill/errors.hpp>
#include <skill/time.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace std::chrono;
namespace st = skill::slot_text;

namespace {

skill::Date ymd(int y, unsigned m, unsigned d) { return year{y} / month{m} / day{d}; }

}  // namespace

TEST_CASE("integer") {
    CHECK(st::integer("42") == 42);
    CHECK(st::integer("-7") == -7);
    CHECK(st::integer("+7") == 7);
    CHECK(st::integer(" 12\t") == 12);
    CHECK(st::integer("9223372036854775807") == INT64_MAX);
    CHECK(st::integer("-9223372036854775808") == INT64_MIN);
    CHECK_FALSE(st::integer("9223372036854775808"));
    CHECK_FALSE(st::integer("-9223372036854775809"));
    for (const auto* bad : {"", " ", "4.2", "42abc", "abc", "+", "-", "+-1", "--1", "1 2", "0x10"})
        CHECK_FALSE(st::integer(bad));
}

TEST_CASE("floating") {
    CHECK(st::floating("4.2") == Approx(4.2));
    CHECK(st::floating("-1e3") == -1000.0);
    CHECK(st::floating("42") == 42.0);
    CHECK(st::floating("+0.5") == 0.5);
    for (const auto* bad : {"", "inf", "nan", "-infinity", "1e400", "4.2x", "1,5", "+", "."})
        CHECK_FALSE(st::floating(bad));
}

TEST_CASE("boolean") {
    for (const auto* yes : {"on", "yes", "true", "1", "TRUE", "Yes", " On "})
        CHECK(st::boolean(yes) == true);
    for (const auto* no : {"off", "no", "false", "0", "FALSE", "No"})
        CHECK(st::boolean(no) == false);
    for (const auto* bad : {"", "y", "2", "truee", "ja", "10"}) CHECK_FALSE(st::boolean(bad));
}

TEST_CASE("date") {
    CHECK(st::date("2026-11-25") == ymd(2026, 11, 25));
    CHECK(st::date("2024-02-29") == ymd(2024, 2, 29));
    CHECK(st::date(" 2026-01-01 ") == ymd(2026, 1, 1));
    for (const auto* bad : {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",
                            "26-01-01", "2026/01/01", "2026-01-01T10:00", "2026-01-01x", ""})
        CHECK_FALSE(st::date(bad));
}

TEST_CASE("time of day") {
    CHECK(st::time_of_day("10:00")->to_duration() == hours{10});
    CHECK(st::time_of_day("23:59:59")->to_duration() == hours{23} + minutes{59} + seconds{59});
    CHECK(st::time_of_day("00:00")->to_duration() == seconds{0});
    for (const auto* bad : {"24:00", "12:60", "12:00:60", "1:00", "12:0", "12", "12:00:", "12:00Z",
                            "12:00:00.5", ""})
        CHECK_FALSE(st::time_of_day(bad));
}

TEST_CASE("date time") {
    const auto local = local_days{ymd(2026, 11, 25)} + hours{10};
    auto dt = st::date_time("2026-11-25T10:00");
    REQUIRE(dt);
    CHECK(dt->local == local);
    CHECK_FALSE(dt->utc_offset);
    dt = st::date_time("2026-11-25T10:00:30.123Z");
    REQUIRE(dt);
    CHECK(dt->local == local + seconds{30});
    CHECK(dt->utc_offset == minutes{0});
    dt = st::date_time("2026-11-25T10:00:00+01:30");
    REQUIRE(dt);
    CHECK(dt->utc_offset == minutes{90});
    dt = st::date_time("2026-11-25T10:00-05:00");
    REQUIRE(dt);
    CHECK(dt->utc_offset == minutes{-300});
    for (const auto* bad : {"2026-11-25", "2026-11-25T", "2026-11-25 10:00", "2026-11-25T24:00",
                            "2026-11-25T10:00:00.", "2026-11-25T10:00.5", "2026-11-25T10:00+1",
                            "2026-11-25T10:00+01:60", "2026-11-25T10:00Zx", "2023-02-29T10:00"})
        CHECK_FALSE(st::date_time(bad));
}

TEST_CASE("date range") {
    using R = skill::DateRange;
    CHECK(st::date_range("2026-01-01/") == R{ymd(2026, 1, 1), std::nullopt});
    CHECK(st::date_range("/2026-12-31") == R{std::nullopt, ymd(2026, 12, 31)});
    CHECK(st::date_range("2026-01-01/2026-01-31") == R{ymd(2026, 1, 1), ymd(2026, 1, 31)});
    CHECK(st::date_range("2026-01-01/2026-01-01") == R{ymd(2026, 1, 1), ymd(2026, 1, 1)});
    for (const auto* bad : {"/", "", "2026-01-01", "2026-01-31/2026-01-01", "2026-01-01//",
                            "2026-01-01/x", "2026-01-01 /", "2023-02-29/", "a/2026-01-01"})
        CHECK_FALSE(st::date_range(bad));
}

TEST_CASE("duration") {
    CHECK(st::duration("PT10M") == minutes{10});
    CHECK(st::duration("P1DT2H3M4.5S") == days{1} + hours{2} + minutes{3} + milliseconds{4500});
    CHECK(st::duration("PT0.5S") == milliseconds{500});
    CHECK(st::duration("PT1.23456S") == milliseconds{1234});
    CHECK(st::duration("P2W") == weeks{2});
    CHECK(st::duration("P3D") == days{3});
    CHECK(st::duration("PT0S") == milliseconds{0});
    CHECK(st::duration("PT36H") == hours{36});
    for (const auto* bad : {"P", "PT", "P1DT", "P1M", "P1Y", "P1Y2D", "PT1H2H", "PT2M1H", "P1H",
                            "PT1D", "P1W2D", "P1.5D", "PT1.5M", "PT.5S", "PT1.S", "-PT1M", "pt1m",
                            "P1DTT1H", "10M", "PT99999999999999999999S",
                            "PT9223372036854775807S", "P106751991167301D"})
        CHECK_FALSE(st::duration(bad));
}

TEST_CASE("parse_slot range checks") {
    CHECK(skill::parse_slot<int>("-42") == -42);
    CHECK_FALSE(skill::parse_slot<int>("2147483648"));
    CHECK(skill::parse_slot<int>("-2147483648") == INT32_MIN);
    CHECK(skill::parse_slot<std::uint8_t>("255") == 255);
    CHECK_FALSE(skill::parse_slot<std::uint8_t>("256"));
    CHECK_FALSE(skill::parse_slot<std::uint8_t>("-1"));
    CHECK(skill::parse_slot<std::uint64_t>("9223372036854775807") == INT64_MAX);
    CHECK(skill::parse_slot<bool>("yes") == true);
    CHECK(skill::parse_slot<float>("0.5") == 0.5f);
    CHECK(skill::parse_slot<std::string>(" raw ") == " raw ");
    CHECK(skill::parse_slot<skill::Duration>("PT1S") == seconds{1});
}

TEST_CASE("SlotError names the slot, the value and the type") {
    const skill::SlotError e("count", "abc", "integer");
    CHECK(std::string(e.what()) == "slot 'count': 'abc' is not a valid integer");
    CHECK(e.slot() == "count");
    CHECK(e.value() == "abc");
}

TEST_CASE("SlotError shortens a long value on a UTF-8 boundary") {
    const std::string value = std::string(63, 'x') + "\xC3\xBC" + std::string(100, 'y');
    const skill::SlotError e("s", value, "date");
    CHECK(std::string(e.what()) ==
          "slot 's': '" + std::string(63, 'x') + "...' is not a valid date");
    CHECK(e.value() == value);
}

namespace {

skill::Context context_with(std::map<std::string, std::vector<std::string>> attributes) {
    skill::Invocation inv;
    inv.intent = "I";
    inv.attributes = std::move(attributes);
    return skill::Context(std::move(inv));
}

}  // namespace

TEST_CASE("Context::slot converts the first value, absent is nullopt") {
    const auto ctx = context_with({{"n", {"42", "7"}}, {"d", {"2026-11-25"}}, {"e", {}}});
    CHECK(ctx.slot<int>("n") == 42);
    CHECK(ctx.slot("n") == std::string("42"));
    CHECK(ctx.slot<skill::Date>("d") == ymd(2026, 11, 25));
    CHECK_FALSE(ctx.slot<int>("missing"));
    CHECK_FALSE(ctx.slot<int>("e"));
    CHECK(ctx.slot_or<int>("missing", 5) == 5);
    CHECK(ctx.slot_or<int>("n", 5) == 42);
    CHECK(ctx.slots<int>("n") == std::vector<int>{42, 7});
    CHECK(ctx.slots<int>("missing").empty());
}

TEST_CASE("Context::slot throws SlotError on a value that does not convert") {
    const auto ctx = context_with({{"n", {"300", "x"}}, {"d", {"2023-02-29"}}});
    CHECK_THROWS_WITH(ctx.slot<std::uint8_t>("n"), "slot 'n': '300' is not a valid integer");
    CHECK_THROWS_WITH(ctx.slot<skill::Date>("d"), "slot 'd': '2023-02-29' is not a valid date");
    CHECK_THROWS_AS(ctx.slots<int>("n"), skill::SlotError);
    CHECK_THROWS_AS(ctx.slot_or<skill::Duration>("d", {}), skill::SlotError);
}
