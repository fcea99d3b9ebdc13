// Time zones behind std::chrono types (skill/time.hpp), over the system tzdata.
#include <catch2/catch.hpp>
#include <skill/time.hpp>
#include <stdexcept>

using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
local_seconds local(year_month_day day, seconds since_midnight) {
    return local_days{day} + since_midnight;
}
}  // namespace

TEST_CASE("known_timezone: IANA names from the system tzdata") {
    CHECK(skill::known_timezone("Europe/Berlin"));
    CHECK(skill::known_timezone("UTC"));
    CHECK(skill::known_timezone("America/Argentina/Buenos_Aires"));
    CHECK_FALSE(skill::known_timezone("Europe/Atlantis"));
    CHECK_FALSE(skill::known_timezone(""));
    CHECK_FALSE(skill::known_timezone("../../etc/passwd"));
    CHECK_FALSE(skill::known_timezone(std::string(200, 'A')));
}

TEST_CASE("to_local and to_utc, across both DST changes") {
    const auto spring = sys_days{2026y / March / 29};
    CHECK(skill::to_local(spring + 30min, "Europe/Berlin") ==
          local(2026y / March / 29, 1h + 30min));
    CHECK(skill::to_local(spring + 90min, "Europe/Berlin") ==
          local(2026y / March / 29, 3h + 30min));
    CHECK(skill::to_utc(local(2026y / March / 29, 1h + 30min), "Europe/Berlin") == spring + 30min);
    // 02:30 does not exist that night: it is taken as 03:30 CEST, as the clock moved on.
    CHECK(skill::to_utc(local(2026y / March / 29, 2h + 30min), "Europe/Berlin") == spring + 90min);
    // 02:30 on 2026-10-25 happens twice: the earlier (CEST) instant.
    CHECK(skill::to_utc(local(2026y / October / 25, 2h + 30min), "Europe/Berlin") ==
          sys_days{2026y / October / 25} + 30min);
    CHECK_THROWS_AS(skill::to_local(spring, "Mars/Olympus"), std::invalid_argument);
    CHECK_THROWS_WITH(skill::to_utc(local(2026y / March / 29, 0s), "Mars/Olympus"),
                      Catch::Contains("unknown time zone 'Mars/Olympus'"));
}

TEST_CASE("ZonedTime: date, time of day and offset of the wall clock") {
    const auto utc = sys_days{2026y / December / 31} + 23h + 15min;
    const skill::ZonedTime t{floor<seconds>(utc),
                             skill::to_local(floor<seconds>(utc), "Europe/Berlin"),
                             "Europe/Berlin"};
    CHECK(t.date() == 2027y / January / 1);
    CHECK(t.time_of_day().hours() == 0h);
    CHECK(t.time_of_day().minutes() == 15min);
    CHECK(t.utc_offset() == 1h);
    const skill::LocalDate day = t.date();
    CHECK(day == skill::Date{2027y / January / 1});
}
