// PersistenceSession's versioned writes over a scripted transport: which condition and
// version each write carries, update()'s retries and their bound, set(if_unchanged), and
// the fallback against a service that sends no versions.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <skill/json.hpp>
#include <skill/persistence.hpp>
#include <stdexcept>
#include <string>

#include "run_io.hpp"
#include "stderr_capture.hpp"

using skill::Document;
using skill::PersistenceErrc;
using skill::PersistenceError;
using skill::PersistenceSession;
using Operation = skill::PersistenceTransport::Operation;
using Condition = skill::PersistenceTransport::Condition;

namespace {

template <class T>
T run(skill::Task<T> task) {
    boost::asio::io_context io;
    return skill::test::run(io, std::move(task));
}

struct Answer {
    std::string json;  // the value ("null": no entry)
    std::string etag;  // as the service sends it, "" for none
    bool conflict = false;
};

struct Sent {
    Operation operation;
    Condition condition;
    std::string version;
    std::string data;  // the set's data as JSON text
};

/// Answers each call with the next scripted Answer, recording the condition it was sent with.
class ScriptedTransport final : public skill::PersistenceTransport {
  public:
    std::deque<Answer> answers;
    std::vector<Sent> sent;

    skill::Task<Document> call(Call call) override {
        sent.push_back({call.operation, call.condition, std::string(call.version),
                        call.data ? call.data->to_json_text() : ""});
        REQUIRE_FALSE(answers.empty());
        auto answer = std::move(answers.front());
        answers.pop_front();
        if (call.etag) *call.etag = answer.etag;
        if (answer.conflict)
            throw PersistenceError(PersistenceErrc::conflict, "persistence set: changed", 412);
        co_return skill::to_document(boost::json::parse(answer.json));
    }
};

const auto add_visit = [](Document data) {
    return data.with("visits", data["visits"].value_or(0) + 1);
};

}  // namespace

TEST_CASE("is_entity_tag takes a quoted strong tag of visible ASCII, at most 130 bytes") {
    using skill::is_entity_tag;
    CHECK(is_entity_tag(R"("1")"));
    CHECK(is_entity_tag(R"("")"));
    CHECK(is_entity_tag(R"("abc-123_!#$%&'()*+,./:;<=>?@[\]^`{|}~")"));
    CHECK(is_entity_tag("\"" + std::string(128, '7') + "\""));
    CHECK_FALSE(is_entity_tag("\"" + std::string(129, '7') + "\""));
    CHECK_FALSE(is_entity_tag(""));
    CHECK_FALSE(is_entity_tag("1"));         // unquoted
    CHECK_FALSE(is_entity_tag(R"(W/"1")"));  // weak: no If-Match with it
    CHECK_FALSE(is_entity_tag("\""));
    CHECK_FALSE(is_entity_tag(R"("1"2")"));            // a quote inside
    CHECK_FALSE(is_entity_tag("\"1\r\nX-Evil: 1\""));  // header injection
    CHECK_FALSE(is_entity_tag("\"a b\""));             // space
    CHECK_FALSE(is_entity_tag("\"\x7f\""));
    CHECK_FALSE(is_entity_tag("\"caf\xc3\xa9\""));  // non-ASCII
}

TEST_CASE("update() reads, applies the change and writes If-Match the version read") {
    ScriptedTransport fake;
    fake.answers.push_back({R"({"visits": 41, "name": "Anna"})", R"("7")"});
    fake.answers.push_back({R"({"visits": 42, "name": "Anna"})", R"("8")"});
    PersistenceSession session(&fake, "t", {});

    auto stored = run(session.update(add_visit));
    CHECK(stored["visits"].as_int() == 42);
    CHECK(stored["name"].as_string() == "Anna");
    REQUIRE(fake.sent.size() == 2);
    CHECK(fake.sent[0].operation == Operation::get);
    CHECK(fake.sent[1].operation == Operation::set);
    CHECK(fake.sent[1].condition == Condition::if_match);
    CHECK(fake.sent[1].version == R"("7")");
    CHECK(fake.sent[1].data == R"({"visits":42,"name":"Anna"})");
    CHECK(session.version() == R"("8")");

    // The second update in the same invocation uses the cache and the version written.
    fake.answers.push_back({R"({"visits": 43, "name": "Anna"})", R"("9")"});
    stored = run(session.update(add_visit));
    CHECK(stored["visits"].as_int() == 43);
    REQUIRE(fake.sent.size() == 3);
    CHECK(fake.sent[2].version == R"("8")");
}

TEST_CASE("update() of a user with no entry creates it only if still absent (If-None-Match)") {
    ScriptedTransport fake;
    fake.answers.push_back({"null", ""});
    fake.answers.push_back({R"({"visits": 1})", R"("1")"});
    PersistenceSession session(&fake, "t", {});
    CHECK(run(session.update(add_visit))["visits"].as_int() == 1);
    REQUIRE(fake.sent.size() == 2);
    CHECK(fake.sent[1].condition == Condition::if_absent);
    CHECK(fake.sent[1].version.empty());
}

TEST_CASE("update() after remove() writes If-None-Match without reading") {
    ScriptedTransport fake;
    fake.answers.push_back({"null", ""});  // the DELETE
    fake.answers.push_back({R"({"visits": 1})", R"("3")"});
    PersistenceSession session(&fake, "t", {});
    run(session.remove());
    CHECK(run(session.update(add_visit))["visits"].as_int() == 1);
    REQUIRE(fake.sent.size() == 2);
    CHECK(fake.sent[1].condition == Condition::if_absent);
}

TEST_CASE("update() retries a conflict with a fresh read and applies the change to it") {
    ScriptedTransport fake;
    fake.answers.push_back({R"({"visits": 1})", R"("1")"});
    fake.answers.push_back({"null", R"("2")", true});  // another visit won
    fake.answers.push_back({R"({"visits": 2})", R"("2")"});
    fake.answers.push_back({R"({"visits": 3})", R"("3")"});
    PersistenceSession session(&fake, "t", {});
    CHECK(run(session.update(add_visit))["visits"].as_int() == 3);
    REQUIRE(fake.sent.size() == 4);
    CHECK(fake.sent[2].operation == Operation::get);  // not the stale cache
    CHECK(fake.sent[3].version == R"("2")");
    CHECK(fake.sent[3].data == R"({"visits":3})");
}

TEST_CASE("update() gives up after max_attempts conflicts: PersistenceErrc::conflict") {
    ScriptedTransport fake;
    const int attempts = 4;
    for (int i = 0; i < attempts; ++i) {
        fake.answers.push_back({R"({"visits": 1})", "\"" + std::to_string(i) + "\""});
        fake.answers.push_back({"null", "", true});
    }
    PersistenceSession session(&fake, "t", {});
    try {
        run(session.update(add_visit, skill::UpdateOptions{.max_attempts = attempts}));
        FAIL("no conflict");
    } catch (const PersistenceError& e) {
        CHECK(e.code() == PersistenceErrc::conflict);
        CHECK(e.http_status() == 412);
        CHECK(std::string(e.what()) ==
              "persistence update: 4 attempts, each lost to a concurrent write");
    }
    CHECK(fake.sent.size() == 2u * attempts);
    CHECK(fake.answers.empty());
    // The stale read is gone: the next get() asks the service.
    fake.answers.push_back({R"({"visits": 9})", R"("99")"});
    CHECK(run(session.get())["visits"].as_int() == 9);

    CHECK(skill::UpdateOptions{}.max_attempts == 30);
    CHECK_THROWS_WITH(run(session.update(add_visit, skill::UpdateOptions{.max_attempts = 0})),
                      "persistence update(): max_attempts must be at least 1");
}

TEST_CASE("update() ends early when the next back-off would pass the session's deadline") {
    ScriptedTransport fake;
    fake.answers.push_back({R"({"visits": 1})", R"("1")"});
    fake.answers.push_back({"null", "", true});
    PersistenceSession session(&fake, "t", {});
    session.set_deadline(std::chrono::steady_clock::now());
    CHECK_THROWS_MATCHES(run(session.update(add_visit)), PersistenceError,
                         Catch::Predicate<PersistenceError>([](const PersistenceError& e) {
                             return e.code() == PersistenceErrc::conflict;
                         }));
    CHECK(fake.sent.size() == 2);
}

TEST_CASE("update() passes other errors through at once, and refuses a non-object change") {
    ScriptedTransport fake;
    PersistenceSession session(&fake, "t", {});
    fake.answers.push_back({R"({"visits": 1})", R"("1")"});
    auto to_array = [](Document) { return Document::array(); };
    CHECK_THROWS_WITH(run(session.update(to_array)),
                      "persistence update(): the change must return a JSON object, not an array");
    CHECK(fake.sent.size() == 1);  // the read only
    skill::Function<Document(Document)> none;
    CHECK_THROWS_AS(run(session.update(none)), std::invalid_argument);
}

TEST_CASE("set(if_unchanged) writes If-Match the version read; a conflict is the caller's") {
    ScriptedTransport fake;
    fake.answers.push_back({R"({"name": "Anna"})", R"("5")"});
    fake.answers.push_back({"null", R"("6")", true});
    PersistenceSession session(&fake, "t", {});
    run(session.get());
    skill::SetOptions only_if{.replace = true, .if_unchanged = true};
    Document data{{"name", "Ben"}};
    try {
        run(session.set(data, only_if));
        FAIL("no conflict");
    } catch (const PersistenceError& e) {
        CHECK(e.code() == PersistenceErrc::conflict);
    }
    REQUIRE(fake.sent.size() == 2);
    CHECK(fake.sent[1].condition == Condition::if_match);
    CHECK(fake.sent[1].version == R"("5")");
    CHECK(session.version().empty());
    // Not retried by the session: the caller reads again and decides.
    fake.answers.push_back({R"({"name": "Cleo"})", R"("6")"});
    CHECK(run(session.get())["name"].as_string() == "Cleo");
    CHECK(fake.sent.size() == 3);
}

TEST_CASE("set(if_unchanged) needs a read first; plain set() sends no condition") {
    ScriptedTransport fake;
    PersistenceSession session(&fake, "t", {});
    skill::SetOptions only_if{.replace = true, .if_unchanged = true};
    Document data{{"name", "Ben"}};
    CHECK_THROWS_AS(run(session.set(data, only_if)), std::logic_error);
    CHECK(fake.sent.empty());
    fake.answers.push_back({R"({"name": "Ben"})", R"("2")"});
    run(session.set(data));
    fake.answers.push_back({R"({"name": "Ben", "x": 1})", R"("3")"});
    skill::SetOptions merge{.replace = false, .if_unchanged = true};
    Document more{{"x", 1}};
    run(session.set(more, merge));  // the version the previous set() answered
    REQUIRE(fake.sent.size() == 2);
    CHECK(fake.sent[0].condition == Condition::none);
    CHECK(fake.sent[1].condition == Condition::if_match);
    CHECK(fake.sent[1].version == R"("2")");
}

// The first test in this file to meet a service without versions: the warning is once a process.
TEST_CASE("a service that sends no ETag: update() writes unconditionally, and says so once") {
    skill::test::StderrCapture log;
    for (int round = 0; round < 2; ++round) {
        ScriptedTransport fake;
        fake.answers.push_back({R"({"visits": 4})", ""});
        fake.answers.push_back({R"({"visits": 5})", ""});
        PersistenceSession session(&fake, "t", {});
        CHECK(run(session.update(add_visit))["visits"].as_int() == 5);
        REQUIRE(fake.sent.size() == 2);
        CHECK(fake.sent[1].condition == Condition::none);
        CHECK(session.version().empty());
    }
    int warnings = 0;
    for (const auto& line : log.lines()) {
        INFO(line);
        if (line.find("sends no ETag") == std::string::npos) continue;
        ++warnings;
        CHECK(line.find("\"level\":\"WARN\"") != std::string::npos);
        CHECK(line.find("\"logger\":\"persistence\"") != std::string::npos);
    }
    CHECK(warnings == 1);
}

TEST_CASE("a malformed or hostile ETag is treated as absent, never echoed") {
    for (std::string hostile : {std::string("\"1\"\r\nX-Evil: yes"), std::string("W/\"1\""),
                                std::string("1"), "\"" + std::string(200, 'a') + "\""}) {
        ScriptedTransport fake;
        fake.answers.push_back({R"({"visits": 4})", hostile});
        fake.answers.push_back({R"({"visits": 5})", ""});
        PersistenceSession session(&fake, "t", {});
        run(session.update(add_visit));
        REQUIRE(fake.sent.size() == 2);
        CHECK(fake.sent[1].condition == Condition::none);
        CHECK(fake.sent[1].version.empty());
    }
}
