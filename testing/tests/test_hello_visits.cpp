// HELLO_VISIT under concurrency: 50 simultaneous visits of one user count exactly 50, through
// SkillRunners on 50 threads, against the fake (a few ms per call, so the visits overlap) and
// against the real persistence stub over HTTP.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>
#include <thread>
#include <vector>

using namespace skill::testing;

namespace {

constexpr int visits = 50;

/// Runs HELLO_VISIT once on each of `visits` threads, all released together, each with its
/// own runner set up by `setup`; returns the answers.
template <class Setup>
std::vector<std::string> visit_concurrently(const std::string& token, Setup setup) {
    std::vector<std::string> answers(visits);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < visits; ++i) {
        threads.emplace_back([&, i] {
            SkillRunner skill(RunnerOptions{.skill_id = "hello"});
            setup(skill);
            ready.fetch_add(1);
            while (ready.load() < visits) std::this_thread::yield();
            answers[static_cast<std::size_t>(i)] =
                skill.run(invocation("HELLO_VISIT").token(token)).text();
        });
    }
    for (auto& t : threads) t.join();
    return answers;
}

/// "Visit 1" ... "Visit 50", each once: every visit counted, none twice.
void check_each_visit_counted(std::vector<std::string> answers) {
    std::vector<std::string> expected;
    for (int i = 1; i <= visits; ++i) expected.push_back("Visit " + std::to_string(i));
    std::sort(answers.begin(), answers.end());
    std::sort(expected.begin(), expected.end());
    CHECK(answers == expected);
}

}  // namespace

TEST_CASE("HELLO_VISIT: 50 concurrent visits of one user count 50 (fake, overlapping calls)") {
    FakePersistence fake("hello");
    // Every call waits 2 ms: reads and writes of the 50 visits interleave.
    fake.delay_next(std::chrono::milliseconds(2), 1'000'000);
    auto answers =
        visit_concurrently("anna", [&](SkillRunner& skill) { skill.use_persistence(fake); });
    CHECK(fake.data("anna")["visits"].as_int() == visits);
    check_each_visit_counted(answers);
    CHECK(fake.conflicts() > 0);  // they did collide: the retries did the work
    INFO("conflicts retried: " << fake.conflicts());
}

TEST_CASE("HELLO_VISIT: 50 concurrent visits of one user count 50 (the real stub over HTTP)") {
    PersistenceStub stub;
    const auto token = stub.token("anna", "hello");
    auto answers = visit_concurrently(
        token, [&](SkillRunner& skill) { skill.use_persistence_url(stub.url()); });
    check_each_visit_counted(answers);
    SkillRunner reader(RunnerOptions{.skill_id = "hello"});
    reader.use_persistence_url(stub.url());
    CHECK_THAT(reader.run(invocation("HELLO_VISIT").token(token)), SaysText("Visit 51"));
}
