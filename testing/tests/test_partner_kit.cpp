// The test kit's partner support, as docs/handlers.md ("Partner APIs") shows it: a handler
// calling a partner, tested against FakePartner through SkillRunner::use_partner.
#include <skill/skill.hpp>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>

#include <chrono>

SKILL_INTENT("WEATHER_INTENT") {
    auto city = ctx.slot_or<std::string>("city", "Berlin");
    auto weather = ctx.partner("weather");
    auto path = "/current?city=" + skill::percent_encode(city);  // named: GCC 12
    try {
        auto answer = co_await weather.get(std::move(path));
        if (answer.status == 404) co_return skill::tell("I don't know " + city + ".");
        auto celsius = answer.body["temp"].value_or(0);
        co_return skill::tell("It is " + std::to_string(celsius) + " degrees in " + city + ".");
    } catch (const skill::PartnerError& e) {
        if (e.code() != skill::PartnerErrc::timeout) throw;  // the runtime apologises
        co_return skill::tell("The weather service is slow today.");
    }
}

using namespace skill::testing;
using namespace std::chrono_literals;

TEST_CASE("the weather comes from the partner") {
    FakePartner weather;  // a real HTTP server on 127.0.0.1:<ephemeral port>
    weather.on("GET", "/current", 200, R"({"temp":21})");
    SkillRunner skill;
    skill.use_partner("weather", weather.url(), 300ms);  // as [partner.weather] url = ...

    CHECK_THAT(skill.run(invocation("WEATHER_INTENT").slot("city", "São Paulo")),
               SaysText("It is 21 degrees in São Paulo."));
    auto request = weather.requests().at(0);
    CHECK(request.target == "/current?city=S%C3%A3o%20Paulo");

    weather.on("GET", "/current", 404, R"({"error":"unknown city"})");
    CHECK_THAT(skill.run(invocation("WEATHER_INTENT").slot("city", "Atlantis")),
               SaysText("I don't know Atlantis."));

    weather.on("GET", "/current", 200, R"({"temp":21})", 2s);  // slower than 300 ms
    CHECK_THAT(skill.run(invocation("WEATHER_INTENT")), SaysText("The weather service is slow today."));

    weather.on("GET", "/current", 503);
    auto reply = skill.run(invocation("WEATHER_INTENT"));
    CHECK(reply.partner_failed);  // uncaught: the runtime's apology (a 200 TELL)
    CHECK(reply.ok());
}

TEST_CASE("an undeclared partner is a bug: 500 code 999") {
    SkillRunner skill;
    auto reply = skill.run(invocation("WEATHER_INTENT"));
    CHECK_THAT(reply, IsError(999));
    CHECK_THAT(reply.detail(), Catch::Contains("partner weather is not declared"));
}
