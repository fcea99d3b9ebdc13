// CircuitBreaker with a hand-driven clock: no sleeping.
#include <atomic>
#include <catch2/catch.hpp>
#include <skill/persistence_http.hpp>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using skill::CircuitBreaker;

namespace {

/// A clock the test moves by hand; shared with the breaker by reference.
struct ManualClock {
    std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
    CircuitBreaker::Clock function() {
        return [this] { return now; };
    }
};

void fail(CircuitBreaker& breaker, int times) {
    for (int i = 0; i < times; ++i) {
        REQUIRE(breaker.allow());
        breaker.failure();
    }
}

}  // namespace

TEST_CASE("the breaker opens after `threshold` consecutive failures") {
    ManualClock clock;
    CircuitBreaker breaker(3, 30s, clock.function());
    fail(breaker, 2);
    CHECK_FALSE(breaker.open());
    CHECK(breaker.allow());
    breaker.failure();
    CHECK(breaker.open());
    CHECK_FALSE(breaker.allow());
}

TEST_CASE("a success resets the count of consecutive failures") {
    ManualClock clock;
    CircuitBreaker breaker(3, 30s, clock.function());
    fail(breaker, 2);
    breaker.success();
    fail(breaker, 2);
    CHECK_FALSE(breaker.open());
    CHECK(breaker.allow());
}

TEST_CASE("an open breaker fails fast until its open time has passed") {
    ManualClock clock;
    CircuitBreaker breaker(2, 30s, clock.function());
    fail(breaker, 2);
    for (int i = 0; i < 5; ++i) CHECK_FALSE(breaker.allow());
    clock.now += 29s;
    CHECK_FALSE(breaker.allow());
    clock.now += 1s;
    CHECK(breaker.allow());
}

TEST_CASE("after the open time exactly one trial goes through") {
    ManualClock clock;
    CircuitBreaker breaker(2, 30s, clock.function());
    fail(breaker, 2);
    clock.now += 30s;
    CHECK(breaker.allow());
    CHECK_FALSE(breaker.allow());
    CHECK_FALSE(breaker.allow());
    CHECK(breaker.open());

    SECTION("a successful trial closes the breaker") {
        breaker.success();
        CHECK_FALSE(breaker.open());
        CHECK(breaker.allow());
        CHECK(breaker.allow());
        SECTION("and it takes `threshold` new failures to open it again") {
            fail(breaker, 1);
            CHECK_FALSE(breaker.open());
            fail(breaker, 1);
            CHECK(breaker.open());
        }
    }
    SECTION("a failed trial re-opens it for another period") {
        clock.now += 5s;  // the trial took a while
        breaker.failure();
        CHECK(breaker.open());
        clock.now += 29s;
        CHECK_FALSE(breaker.allow());
        clock.now += 1s;
        CHECK(breaker.allow());
        CHECK_FALSE(breaker.allow());
    }
    SECTION("a trial that never reports back does not block the breaker for ever") {
        clock.now += 30s;
        CHECK(breaker.allow());
        CHECK_FALSE(breaker.allow());
    }
}

TEST_CASE("a threshold of 0 behaves like 1") {
    ManualClock clock;
    CircuitBreaker breaker(0, 1s, clock.function());
    CHECK(breaker.allow());
    breaker.failure();
    CHECK(breaker.open());
}

TEST_CASE("concurrent callers: exactly one of them gets the trial") {
    ManualClock clock;
    CircuitBreaker breaker(1, 10s, clock.function());
    fail(breaker, 1);
    clock.now += 10s;  // written before the threads start: they only read it

    std::atomic<int> allowed{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < 1000; ++i) {
                if (breaker.allow()) allowed.fetch_add(1);
            }
        });
    }
    go.store(true);
    for (auto& thread : threads) thread.join();
    CHECK(allowed.load() == 1);
}

TEST_CASE("the default clock is the steady clock") {
    CircuitBreaker breaker(1, 1h);
    CHECK(breaker.allow());
    breaker.failure();
    CHECK_FALSE(breaker.allow());
}
