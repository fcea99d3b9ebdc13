// A handler that blocks its thread past the invocation deadline: 504, and a warning naming
// the intent (the thread's other connections waited with it).
#include <catch2/catch.hpp>
#include <chrono>
#include <vector>
#include <skill/engine.hpp>
#include <skill/skill.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "stderr_capture.hpp"

using namespace std::chrono_literals;

namespace {

skill::Task<skill::Response> blocks(skill::Context&) {
    std::this_thread::sleep_for(80ms);  // blocking on purpose: no co_await
    co_return skill::tell("late");
}

skill::Task<skill::Response> quick(skill::Context&) {
    co_return skill::tell("on time");
}

std::string body(std::string_view intent) {
    return R"({"context":{"intent":")" + std::string(intent) +
           R"(","locale":"en","tokens":{}},"spiVersion":"1.4.1"})";
}

std::vector<boost::json::object> overrun_lines(const skill::test::StderrCapture& capture) {
    std::vector<boost::json::object> found;
    for (auto& line : capture.json_lines())
        if (line.at("message") == "handler overran its deadline") found.push_back(line);
    return found;
}

}  // namespace

TEST_CASE("a handler blocking past the deadline is logged as an overrun with its intent") {
    skill::IntentRegistry registry;
    registry.add("SLOW_INTENT", &blocks);
    registry.add("QUICK_INTENT", &quick);
    skill::Config config;
    config.set("skill", "timeout", "20ms");
    config.set("service-persistence", "active", "false");
    config.set("http", "threads", "1");
    skill::Engine engine(config, registry);
    skill::test::StderrCapture capture;

    auto slow = engine.invoke(body("SLOW_INTENT"));
    CHECK(slow.status == 504);
    const auto overrun = overrun_lines(capture);
    REQUIRE(overrun.size() == 1);
    CHECK(overrun[0].at("level") == "WARN");
    CHECK(overrun[0].at("intent") == "SLOW_INTENT");
    CHECK(overrun[0].at("timeoutMs") == 20);
    CHECK(overrun[0].at("overrunMs").as_int64() >= 0);

    auto fast = engine.invoke(body("QUICK_INTENT"));
    CHECK(fast.status == 200);
    CHECK(overrun_lines(capture).size() == 1);  // the quick one is no overrun
}
