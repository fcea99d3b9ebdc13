// Hooks through the real server: readiness follows the ready hooks, error hooks answer over
// HTTP, a throwing after hook is a 500, and the skill's config reaches handlers.
#include <atomic>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <skill/skill.hpp>
#include <stdexcept>

#include "engine_impl.hpp"
#include "loopback_settings.hpp"
#include "test_http.hpp"

using namespace skill;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> warm{false};
std::atomic<bool> after_throws{false};

Task<Response> failing(Context&) {
    throw PersistenceError(PersistenceErrc::timeout, "persistence timed out");
    co_return tell("unreachable");
}
Task<Response> config_echo(Context& ctx) {
    co_return tell(ctx.config().get_or("pizza", "name", std::string("none")) + "/" +
                   ctx.config().get("skill", "name").value_or("hidden"));
}

const IntentRegistry& registry() {
    static IntentRegistry r = [] {
        IntentRegistry r;
        r.add("FAILING", failing);
        r.add("CONFIG", config_echo);
        r.hooks().ready.push_back([] { return warm.load(); });
        r.hooks().on_error.push_back([](Context&, std::exception_ptr e) -> std::optional<Response> {
            try {
                std::rethrow_exception(e);
            } catch (const PersistenceError& error) {
                return tell(std::string("Sorry: ") + std::string(to_string(error.code())));
            } catch (...) {
                return std::nullopt;
            }
        });
        r.hooks().after.push_back([](Context&, Response&) {
            if (after_throws) throw std::runtime_error("after hook failed");
        });
        return r;
    }();
    return r;
}

std::string body(std::string_view intent) {
    return R"({"context":{"intent":")" + std::string(intent) +
           R"(","locale":"de","tokens":{}},"spiVersion":"1.4.1"})";
}

}  // namespace

TEST_CASE("readiness is 503 until every ready hook says true") {
    log::configure(log::Level::off, log::Format::json);
    auto settings = test::loopback_settings();
    settings.log.level = log::Level::off;
    Engine app = runtime::make_engine(settings, registry());
    const auto port = app.start();
    warm = false;
    CHECK(test::http_request(port, "GET", "/k8s/readiness").status == 503);
    CHECK(test::http_request(port, "GET", "/k8s/liveness").status == 200);  // alive all along
    warm = true;
    CHECK(test::http_request(port, "GET", "/k8s/readiness").status == 200);
    app.drain();
    app.wait();
}

TEST_CASE("error and after hooks over HTTP; ctx.config() holds the skill's sections only") {
    auto settings = test::loopback_settings();
    settings.log.level = log::Level::off;
    settings.skill_config.set("pizza", "name", "Roma");
    Engine app = runtime::make_engine(settings, registry());
    const auto port = app.start();

    auto sorry = test::http_request(port, "POST", "/v1/test", body("FAILING"));
    CHECK(sorry.status == 200);
    CHECK(boost::json::parse(sorry.body).at("text") == "Sorry: timeout");

    auto config = test::http_request(port, "POST", "/v1/test", body("CONFIG"));
    CHECK(boost::json::parse(config.body).at("text") == "Roma/hidden");

    after_throws = true;
    auto broken = test::http_request(port, "POST", "/v1/test", body("CONFIG"));
    after_throws = false;
    CHECK(broken.status == 500);
    app.drain();
    app.wait();
}
