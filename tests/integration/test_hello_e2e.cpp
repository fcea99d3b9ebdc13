// The shipped binaries end to end: hello-skill + persistence-stub as separate
// processes, the seed dialogue over HTTP, restarts of both, SIGTERM exit codes.
#include <catch2/catch.hpp>

#include "process.hpp"
#include "test_http.hpp"

#include <boost/json/parse.hpp>

#include <csignal>
#include <filesystem>

using namespace skill::test;
namespace json = boost::json;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string dev_token(const std::string& user) {
    return trim(run_and_capture({built_binary("services/persistence-stub"), "--dev-token", user, "hello"}));
}

struct Stack {
    std::string db;
    std::unique_ptr<ChildProcess> stub, skill;
    std::uint16_t skill_port = 0;

    explicit Stack(std::string db_path) : db(std::move(db_path)) { start(); }

    void start() {
        stub = std::make_unique<ChildProcess>(std::vector<std::string>{
            built_binary("services/persistence-stub"), "--port", "0", "--db", db});
        auto stub_port = stub->wait_for_port();
        skill = std::make_unique<ChildProcess>(
            std::vector<std::string>{built_binary("skills/hello/hello-skill"), "--config",
                                     source_path("config/skill.conf")},
            std::map<std::string, std::string>{
                {"HTTP_PORT", "0"},
                {"HTTP_HOST", "127.0.0.1"},
                {"SERVICE_PERSISTENCE_URL", "http://127.0.0.1:" + std::to_string(stub_port)}});
        skill_port = skill->wait_for_port();
    }

    /// SIGTERM both; both must drain and exit 0.
    void stop() {
        skill->signal(SIGTERM);
        REQUIRE(skill->wait() == 0);
        stub->signal(SIGTERM);
        REQUIRE(stub->wait() == 0);
    }

    json::value say(const std::string& intent, const std::string& token, const std::string& attributes = "{}") {
        std::string body = R"({"context":{"intent":")" + intent + R"(","locale":"en","tokens":{"cvi":")" + token +
                           R"("},"attributes":)" + attributes + R"(},"session":{"id":"s-1","new":true}})";
        auto r = http_request(skill_port, "POST", "/v1/hello", body);
        INFO(r.body);
        REQUIRE(r.status == 200);
        return json::parse(r.body);
    }
};

}  // namespace

TEST_CASE("the shipped hello-skill binary registers its intents (nothing dropped by the linker)") {
    auto out = run_and_capture({built_binary("skills/hello/hello-skill"), "--list-intents"});
    CHECK(out.find("HELLO_INTENT\n") != std::string::npos);
    CHECK(out.find("HELLO_INTENT_REPROMPT\n") != std::string::npos);
    CHECK(out.find("FALLBACK_INTENT\n") != std::string::npos);
}

TEST_CASE("the seed dialogue through hello-skill and the persistence stub, across restarts") {
    auto dir = std::filesystem::temp_directory_path() / ("hello-e2e-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto anna = dev_token("anna");
    auto bob = dev_token("bob");
    REQUIRE(anna.size() > 20);

    {
        Stack stack((dir / "persistence.db").string());
        auto first = stack.say("HELLO_INTENT", anna);
        CHECK(first.at("type") == "ASK_FREETEXT");
        CHECK(first.at("text") == "Oh, we haven't met yet. What's your name?");

        auto named = stack.say("HELLO_INTENT_REPROMPT", anna, R"({"name":["Anna"]})");
        CHECK(named.at("type") == "TELL");
        CHECK(named.at("text") == "Hello, Anna! It's awesome today!");

        CHECK(stack.say("HELLO_INTENT", anna).at("text") == "Hello, Anna! It's awesome today!");
        CHECK(stack.say("HELLO_INTENT", bob).at("type") == "ASK_FREETEXT");  // users are apart
        stack.stop();
    }
    {
        Stack again((dir / "persistence.db").string());  // both processes restarted
        CHECK(again.say("HELLO_INTENT", anna).at("text") == "Hello, Anna! It's awesome today!");
        again.stop();
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("hello-skill answers the apology when the persistence service is down") {
    ChildProcess skill({built_binary("skills/hello/hello-skill"), "--config", source_path("config/skill.conf")},
                       {{"HTTP_PORT", "0"}, {"HTTP_HOST", "127.0.0.1"},
                        {"SERVICE_PERSISTENCE_URL", "http://127.0.0.1:1"}});
    auto port = skill.wait_for_port();
    std::string body = R"({"context":{"intent":"HELLO_INTENT","locale":"en","tokens":{"cvi":"x.y.z"}}})";
    auto r = http_request(port, "POST", "/v1/hello", body);
    CHECK(r.status == 200);
    CHECK(json::parse(r.body).at("type") == "TELL");
    CHECK(skill.output().find("x.y.z") == std::string::npos);  // the token is never logged
    skill.signal(SIGTERM);
    CHECK(skill.wait() == 0);
}

TEST_CASE("hello-skill refuses to start on an invalid config value, naming it") {
    ChildProcess skill({built_binary("skills/hello/hello-skill"), "--config", source_path("config/skill.conf")},
                       {{"HTTP_PORT", "not-a-port"}});
    CHECK(skill.wait() == 2);
    CHECK(skill.output().find("[http] port = 'not-a-port'") != std::string::npos);
}
