// PersistenceSession over a fake transport: caching, cache updates, errors.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <deque>
#include <optional>
#include <skill/json.hpp>
#include <skill/net/task_bridge.hpp>
#include <skill/persistence.hpp>
#include <stdexcept>

using skill::Document;
using skill::PersistenceErrc;
using skill::PersistenceError;
using skill::PersistenceSession;
using skill::PersistenceTransport;
using Operation = PersistenceTransport::Operation;

namespace {

/// Runs one coroutine to completion and returns its result (rethrowing its exception).
template <class T>
T run(skill::Task<T> task) {
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, skill::net::await_task(std::move(task)), boost::asio::use_future);
    io.run();
    return future.get();
}

struct Recorded {
    Operation operation;
    std::string token;
    std::optional<boost::json::object> data;
    bool replace;
    skill::HeaderList trace_headers;
};

/// Answers each call with the next canned value (or error), recording what it was asked.
class FakeTransport final : public PersistenceTransport {
  public:
    std::deque<boost::json::value> answers;
    std::optional<PersistenceError> failure;
    std::vector<Recorded> calls;

    skill::Task<Document> call(Call call) override {
        calls.push_back({call.operation, call.token,
                         call.data ? std::optional(skill::object_of(*call.data)) : std::nullopt,
                         call.replace, call.trace_headers});
        if (failure) throw *failure;
        REQUIRE_FALSE(answers.empty());
        auto answer = std::move(answers.front());
        answers.pop_front();
        co_return skill::to_document(std::move(answer));
    }
};

const skill::HeaderList trace{{"X-B3-TraceId", "abc"}, {"traceparent", "00-abc-def-01"}};

}  // namespace

TEST_CASE("get() goes over the wire once and then answers from the cache") {
    FakeTransport fake;
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna"})"));
    PersistenceSession session(&fake, "token-1", trace);

    for (int i = 0; i < 3; ++i) {
        auto data = run(session.get());
        CHECK(data["name"].as_string() == "Anna");
    }
    CHECK(session.calls() == 1);
    REQUIRE(fake.calls.size() == 1);
    CHECK(fake.calls[0].operation == Operation::get);
    CHECK(fake.calls[0].token == "token-1");
    CHECK(fake.calls[0].trace_headers == trace);
}

TEST_CASE("no stored data (a null answer) is an empty Document, and is cached") {
    FakeTransport fake;
    fake.answers.push_back(nullptr);
    PersistenceSession session(&fake, "t", {});
    auto data = run(session.get());
    CHECK_FALSE(data.exists());
    CHECK(data["name"]["first"].value_or("stranger") == "stranger");
    CHECK_FALSE(run(session.get()).exists());
    CHECK(session.calls() == 1);
}

TEST_CASE("set() sends the data and caches what the service stored") {
    FakeTransport fake;
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna", "visits": 1})"));
    PersistenceSession session(&fake, "t", {});

    auto stored = run(session.set({{"visits", 1}}, false));
    CHECK(stored["name"].as_string() == "Anna");  // the merge result, not only what was sent
    REQUIRE(fake.calls.size() == 1);
    CHECK(fake.calls[0].operation == Operation::set);
    CHECK_FALSE(fake.calls[0].replace);
    REQUIRE(fake.calls[0].data);
    CHECK(*fake.calls[0].data == boost::json::object{{"visits", 1}});

    auto data = run(session.get());  // from the cache
    CHECK(data["visits"].as_int() == 1);
    CHECK(data["name"].as_string() == "Anna");
    CHECK(session.calls() == 1);
}

TEST_CASE("set() after get() replaces the cached data") {
    FakeTransport fake;
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna"})"));
    fake.answers.push_back(boost::json::parse(R"({"name": "Bert"})"));
    PersistenceSession session(&fake, "t", {});
    CHECK(run(session.get())["name"].as_string() == "Anna");
    run(session.set({{"name", "Bert"}}));
    CHECK(fake.calls.back().replace);
    CHECK(run(session.get())["name"].as_string() == "Bert");
    CHECK(session.calls() == 2);
}

TEST_CASE("remove() empties the cache without another call") {
    FakeTransport fake;
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna"})"));
    fake.answers.push_back(nullptr);
    PersistenceSession session(&fake, "t", {});
    CHECK(run(session.get())["name"].as_string() == "Anna");
    run(session.remove());
    CHECK(fake.calls.back().operation == Operation::remove);
    CHECK_FALSE(run(session.get())["name"].exists());
    CHECK(session.calls() == 2);
}

TEST_CASE("get_all() always goes over the wire and does not touch the get() cache") {
    FakeTransport fake;
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna"})"));
    fake.answers.push_back(boost::json::parse(R"({"skill-a": {"x": 1}})"));
    fake.answers.push_back(boost::json::parse(R"({"skill-a": {"x": 2}})"));
    PersistenceSession session(&fake, "t", {});
    CHECK(run(session.get())["name"].as_string() == "Anna");
    CHECK(run(session.get_all())["skill-a"]["x"].as_int() == 1);
    CHECK(run(session.get_all())["skill-a"]["x"].as_int() == 2);
    CHECK(fake.calls.back().operation == Operation::get_all);
    CHECK(run(session.get())["name"].as_string() == "Anna");
    CHECK(session.calls() == 3);
}

TEST_CASE("transport errors reach the handler as PersistenceError with their code") {
    auto code = GENERATE(PersistenceErrc::timeout, PersistenceErrc::unreachable,
                         PersistenceErrc::server_error, PersistenceErrc::unauthorized,
                         PersistenceErrc::bad_response, PersistenceErrc::circuit_open);
    FakeTransport fake;
    fake.failure = PersistenceError(code, "boom", 503);
    PersistenceSession session(&fake, "t", {});
    try {
        run(session.get());
        FAIL("get() did not throw");
    } catch (const PersistenceError& e) {
        CHECK(e.code() == code);
        CHECK(e.http_status() == 503);
        CHECK(std::string(e.what()) == "boom");
    }
    CHECK_THROWS_AS(run(session.set({{"a", 1}})), PersistenceError);
    CHECK_THROWS_AS(run(session.remove()), PersistenceError);
    CHECK_THROWS_AS(run(session.get_all()), PersistenceError);
}

TEST_CASE("a failed get() is not cached: the next get() tries again") {
    FakeTransport fake;
    fake.failure = PersistenceError(PersistenceErrc::timeout, "slow");
    PersistenceSession session(&fake, "t", {});
    CHECK_THROWS_AS(run(session.get()), PersistenceError);
    fake.failure.reset();
    fake.answers.push_back(boost::json::parse(R"({"name": "Anna"})"));
    CHECK(run(session.get())["name"].as_string() == "Anna");
    CHECK(session.calls() == 2);
}

TEST_CASE("without a transport or a token every call is unavailable, with no wire call") {
    FakeTransport fake;
    auto expect_unavailable = [](PersistenceSession& session, const char* message) {
        for (int op = 0; op < 4; ++op) {
            INFO("operation " << op);
            try {
                if (op == 0) run(session.get());
                if (op == 1) run(session.get_all());
                if (op == 2) run(session.set({{"a", 1}}));
                if (op == 3) run(session.remove());
                FAIL("no PersistenceError");
            } catch (const PersistenceError& e) {
                CHECK(e.code() == PersistenceErrc::unavailable);
                CHECK(std::string(e.what()) == message);
            }
        }
        CHECK(session.calls() == 0);
    };
    PersistenceSession no_transport(nullptr, "t", {});
    expect_unavailable(no_transport, "persistence is not configured");
    PersistenceSession no_token(&fake, "", {});
    expect_unavailable(no_token, "the invocation carries no cvi token");
    CHECK(fake.calls.empty());
}

TEST_CASE("set() takes an object only, and says what it got instead, before any call") {
    FakeTransport fake;
    PersistenceSession session(&fake, "t", {});
    auto refused = [&](Document data) {
        try {
            run(session.set(std::move(data)));
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no std::invalid_argument");
    };
    const std::string prefix = "persistence set(): the data must be a JSON object, not ";
    CHECK(refused(Document()) == prefix + "a missing Document");
    CHECK(refused(nullptr) == prefix + "null");
    CHECK(refused(true) == prefix + "a boolean");
    CHECK(refused(7) == prefix + "a number");
    CHECK(refused(2.5) == prefix + "a number");
    CHECK(refused("x") == prefix + "a string");
    CHECK(refused(Document{1, 2}) == prefix + "an array");
    CHECK(refused(Document::array()) == prefix + "an array");
    CHECK(fake.calls.empty());
    CHECK(session.calls() == 0);
}

TEST_CASE("every error code has a name") {
    CHECK(skill::to_string(PersistenceErrc::timeout) == "timeout");
    CHECK(skill::to_string(PersistenceErrc::unreachable) == "unreachable");
    CHECK(skill::to_string(PersistenceErrc::server_error) == "server_error");
    CHECK(skill::to_string(PersistenceErrc::unauthorized) == "unauthorized");
    CHECK(skill::to_string(PersistenceErrc::bad_response) == "bad_response");
    CHECK(skill::to_string(PersistenceErrc::circuit_open) == "circuit_open");
    CHECK(skill::to_string(PersistenceErrc::unavailable) == "unavailable");
    CHECK(skill::to_string(PersistenceErrc::conflict) == "conflict");
}
