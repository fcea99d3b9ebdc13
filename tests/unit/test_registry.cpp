// The intent registry: registration through SKILL_INTENT, lookup, fallback, duplicates.
#include <catch2/catch.hpp>
#include <skill/intent.hpp>

#include "run_io.hpp"

using namespace skill;

SKILL_INTENT("REGISTRY_TEST_A") { co_return tell("a"); }
SKILL_INTENT("REGISTRY_TEST_B") { co_return ask("b " + ctx.intent()); }

namespace {

Task<Response> one(Context&) { co_return tell("one"); }
Task<Response> two(Context&) { co_return tell("two"); }
Task<Response> fallback(Context&) { co_return tell("fallback"); }

Response call(IntentHandler handler, std::string intent) {
    Invocation inv;
    inv.intent = std::move(intent);
    Context ctx(std::move(inv));
    boost::asio::io_context io;
    return test::run(io, handler(ctx));
}

}  // namespace

TEST_CASE("SKILL_INTENT registers handlers in the global registry at static-init time") {
    auto& registry = IntentRegistry::global();
    auto a = registry.find("REGISTRY_TEST_A");
    auto b = registry.find("REGISTRY_TEST_B");
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(call(a, "REGISTRY_TEST_A").text == "a");
    auto answer = call(b, "REGISTRY_TEST_B");
    CHECK(answer.type == ResponseType::ask);
    CHECK(answer.text == "b REGISTRY_TEST_B");  // the body sees ctx
    CHECK(registry.duplicates().empty());
    auto names = registry.intents();
    CHECK(std::find(names.begin(), names.end(), "REGISTRY_TEST_A") != names.end());
}

TEST_CASE("lookup without a fallback: unknown intents find nothing") {
    IntentRegistry r;
    r.add("ONE", one);
    CHECK(r.find("ONE") == &one);
    CHECK(r.find("TWO") == nullptr);
    CHECK(r.find("") == nullptr);
    CHECK(r.find("one") == nullptr);  // intent names are case-sensitive
}

TEST_CASE("FALLBACK_INTENT catches every intent without a handler of its own") {
    IntentRegistry r;
    r.add("ONE", one);
    r.add(fallback_intent, fallback);
    CHECK(r.find("ONE") == &one);
    CHECK(r.find("ANYTHING") == &fallback);
    CHECK(call(r.find("ANYTHING"), "ANYTHING").text == "fallback");
}

TEST_CASE("a duplicate registration is reported with both source locations, the first one kept") {
    IntentRegistry r;
    r.add("ONE", one, std::source_location::current());
    r.add("ONE", two, std::source_location::current());
    REQUIRE(r.duplicates().size() == 1);
    const auto& message = r.duplicates().front();
    CHECK(message.find("'ONE'") != std::string::npos);
    CHECK(message.find("test_registry.cpp:" + std::to_string(__LINE__ - 5)) != std::string::npos);
    CHECK(message.find("test_registry.cpp:" + std::to_string(__LINE__ - 5)) != std::string::npos);
    CHECK(r.find("ONE") == &one);
}
