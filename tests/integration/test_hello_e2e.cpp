// The shipped binaries end to end: hello-skill + persistence-stub as separate
// processes, the seed dialogue over HTTP, restarts of both, SIGTERM exit codes.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

using namespace skill::test;
namespace json = boost::json;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string dev_token(const std::string& user) {
    return trim(
        run_and_capture({built_binary("services/persistence-stub"), "--dev-token", user, "hello"}));
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

    json::value say(const std::string& intent, const std::string& token, const std::string& attributes = "{}",
                    const std::string& locale = "en") {
        std::string body = R"({"context":{"intent":")" + intent + R"(","locale":")" + locale +
                           R"(","tokens":{"cvi":")" + token +
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

TEST_CASE("hello-skill greets in German for de and in English for en, from its catalogs") {
    auto dir = std::filesystem::temp_directory_path() / ("hello-l10n-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto anna = dev_token("anna");
    Stack stack((dir / "persistence.db").string());

    auto info = http_request(stack.skill_port, "GET", "/v1/hello/info");
    REQUIRE(info.status == 200);
    CHECK(json::parse(info.body).at("supportedLocales") == json::parse(R"(["de","en"])"));

    const char* hallo = "Hallo, Anna! Heute ist ein großartiger Tag!";
    CHECK(stack.say("HELLO_INTENT", anna, "{}", "de").at("text") == "Oh, wir kennen uns noch nicht. Wie heißt du?");
    CHECK(stack.say("HELLO_INTENT", anna, "{}", "en").at("text") == "Oh, we haven't met yet. What's your name?");
    CHECK(stack.say("HELLO_INTENT_REPROMPT", anna, R"({"name":["Anna"]})", "de").at("text") == hallo);
    CHECK(stack.say("HELLO_INTENT", anna, "{}", "en").at("text") == "Hello, Anna! It's awesome today!");
    CHECK(stack.say("HELLO_INTENT", anna, "{}", "de-AT").at("text") == hallo);
    CHECK(stack.say("FALLBACK_INTENT", anna, "{}", "en").at("text") == "Sorry, I can only say hello.");
    // fr is not served (skill.conf: locales = de, en): answered in the default language, de,
    // and logged once however often it comes.
    CHECK(stack.say("HELLO_INTENT", anna, "{}", "fr").at("text") == hallo);
    CHECK(stack.say("FALLBACK_INTENT", anna, "{}", "fr").at("text") == "Entschuldigung, ich kann nur Hallo sagen.");
    stack.stop();
    const auto out = stack.skill->output();
    std::size_t logged = 0;
    for (auto at = out.find("locale not supported"); at != std::string::npos;
         at = out.find("locale not supported", at + 1))
        ++logged;
    CHECK(logged == 1);
    CHECK(out.find("catalogs loaded") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("50 concurrent HELLO_VISITs of one user through hello-skill and the stub count 50") {
    auto dir =
        std::filesystem::temp_directory_path() / ("hello-visits-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto anna = dev_token("anna");
    {
        Stack stack((dir / "persistence.db").string());
        constexpr int visits = 50;
        const std::string body =
            R"({"context":{"intent":"HELLO_VISIT","locale":"en","tokens":{"cvi":")" + anna +
            R"("},"attributes":{}},"session":{"id":"s-1","new":true}})";
        std::vector<std::string> answers(visits);
        std::atomic<int> ready{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < visits; ++i) {
            // No Catch2 assertion on these threads (Catch2 v2 is not thread-safe).
            clients.emplace_back([&, i] {
                ready.fetch_add(1);
                while (ready.load() < visits) std::this_thread::yield();
                auto r = http_request(stack.skill_port, "POST", "/v1/hello", body);
                answers[static_cast<std::size_t>(i)] = std::to_string(r.status) + " " + r.body;
            });
        }
        for (auto& c : clients) c.join();
        for (auto& answer : answers) {
            INFO(answer);
            REQUIRE(answer.starts_with("200 "));
            answer = json::parse(answer.substr(4)).at("text").as_string().c_str();
        }
        // "Visit 1" ... "Visit 50", each once: every visit counted, none twice.
        std::vector<std::string> expected;
        for (int i = 1; i <= visits; ++i) expected.push_back("Visit " + std::to_string(i));
        std::sort(answers.begin(), answers.end());
        std::sort(expected.begin(), expected.end());
        CHECK(answers == expected);
        CHECK(stack.say("HELLO_VISIT", anna).at("text") == "Visit 51");
        stack.stop();
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("hello-skill answers the apology when the persistence service is down") {
    ChildProcess skill(
        {built_binary("skills/hello/hello-skill"), "--config", source_path("config/skill.conf")},
        {{"HTTP_PORT", "0"},
         {"HTTP_HOST", "127.0.0.1"},
         {"SERVICE_PERSISTENCE_URL", "http://127.0.0.1:1"}});
    auto port = skill.wait_for_port();
    std::string body =
        R"({"context":{"intent":"HELLO_INTENT","locale":"en","tokens":{"cvi":"x.y.z"}}})";
    auto r = http_request(port, "POST", "/v1/hello", body);
    CHECK(r.status == 200);
    CHECK(json::parse(r.body).at("type") == "TELL");
    CHECK(skill.output().find("x.y.z") == std::string::npos);  // the token is never logged
    skill.signal(SIGTERM);
    CHECK(skill.wait() == 0);
}

TEST_CASE("hello-skill refuses to start on an invalid config value, naming it") {
    ChildProcess skill(
        {built_binary("skills/hello/hello-skill"), "--config", source_path("config/skill.conf")},
        {{"HTTP_PORT", "not-a-port"}});
    CHECK(skill.wait() == 2);
    CHECK(skill.output().find("[http] port = 'not-a-port'") != std::string::npos);
}

// --config and SKILL_CONF name a file the skill must read: a missing value, a
// missing path, a directory or an unreadable file stops start-up (exit 2) with
// a message naming it, instead of serving on built-in defaults.
namespace {

/// Runs hello-skill with `args` and `env`; if it starts anyway, it does so on an
/// ephemeral loopback port, and the test sees it did not exit.
int start_fails(const std::vector<std::string>& args, std::map<std::string, std::string> env,
                std::string& output) {
    std::vector<std::string> argv{built_binary("skills/hello/hello-skill")};
    argv.insert(argv.end(), args.begin(), args.end());
    env.emplace("HTTP_PORT", "0");
    env.emplace("HTTP_HOST", "127.0.0.1");
    ChildProcess skill(argv, env);
    int code = -1;
    try {
        code = skill.wait(std::chrono::seconds(5));
    } catch (const std::runtime_error&) {
        skill.signal(SIGTERM);  // it started: the bug
        skill.wait();
    }
    output = skill.output();
    return code;
}

}  // namespace

TEST_CASE("hello-skill: --config without a value is a start-up error") {
    std::string out;
    CHECK(start_fails({"--config"}, {}, out) == 2);
    CHECK(out.find("--config needs a value") != std::string::npos);
}

TEST_CASE("hello-skill: a --config or SKILL_CONF path that is no readable file stops start-up") {
    TempDir dir;
    const std::string missing = dir.file("missing.conf");
    const std::string directory = dir.path.string();
    std::string out;
    SECTION("--config: missing") {
        CHECK(start_fails({"--config", missing}, {}, out) == 2);
        CHECK(out.find(missing) != std::string::npos);
    }
    SECTION("--config: a directory") {
        CHECK(start_fails({"--config", directory}, {}, out) == 2);
        CHECK(out.find(directory + " is not a regular file") != std::string::npos);
    }
    SECTION("--config: the default's name, given explicitly, is required too") {
        CHECK(start_fails({"--config", "skill.conf"}, {}, out) ==
              2);  // cwd: build/tests, no skill.conf
        CHECK(out.find("skill.conf") != std::string::npos);
    }
    SECTION("SKILL_CONF: missing") {
        CHECK(start_fails({}, {{"SKILL_CONF", missing}}, out) == 2);
        CHECK(out.find(missing) != std::string::npos);
    }
    SECTION("SKILL_CONF: a directory") {
        CHECK(start_fails({}, {{"SKILL_CONF", directory}}, out) == 2);
        CHECK(out.find(directory + " is not a regular file") != std::string::npos);
    }
    SECTION("SKILL_CONF: empty") {
        CHECK(start_fails({}, {{"SKILL_CONF", ""}}, out) == 2);
        CHECK(out.find("SKILL_CONF") != std::string::npos);
    }
    SECTION("unreadable") {
        const std::string file = dir.file("secret.conf");
        std::ofstream(file) << "[skill]\nname = x\n";
        std::filesystem::permissions(file, std::filesystem::perms::none);
        if (::geteuid() == 0) {
            WARN("running as root: every file is readable, skipped");
        } else {
            CHECK(start_fails({"--config", file}, {}, out) == 2);
            CHECK(out.find(file) != std::string::npos);
        }
    }
}

TEST_CASE("start-up logs the number of intents, and warns when there is none") {
    {
        ChildProcess skill({built_binary("skills/hello/hello-skill"), "--config", source_path("config/skill.conf")},
                           {{"HTTP_PORT", "0"}, {"HTTP_HOST", "127.0.0.1"}});
        skill.wait_for_port();
        skill.signal(SIGTERM);
        CHECK(skill.wait() == 0);
        const auto out = skill.output();
        CHECK(out.find("\"intents\":") != std::string::npos);
        CHECK(out.find("\"intents\":0") == std::string::npos);
        CHECK(out.find("no intent handlers") == std::string::npos);
    }
    ChildProcess empty({built_binary("tests/empty-skill")}, {{"HTTP_PORT", "0"}, {"HTTP_HOST", "127.0.0.1"}});
    empty.wait_for_port();
    empty.signal(SIGTERM);
    CHECK(empty.wait() == 0);
    const auto out = empty.output();
    CHECK(out.find("\"intents\":0") != std::string::npos);
    CHECK(out.find("no intent handlers are registered") != std::string::npos);
}
