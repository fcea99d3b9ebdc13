// The toolkit costs no heap allocation per request: an invocation through the Engine allocates
// as often with (no-op) before/after/error hooks registered as without, and a handler asking
// for its time zone and clock allocates nothing more than one that does not.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>
#include <skill/engine.hpp>
#include <skill/skill.hpp>
#include <skill/time.hpp>

namespace {
std::atomic<long> allocations{0};
}  // namespace

// Every replaceable form that allocates or frees plain (non-aligned) memory, so that each
// allocation pairs malloc with free: replacing only some of them mixes our free() with the
// runtime's (or a sanitizer's) operator new, which ASan rightly reports as a mismatch.
namespace {
void* counted(std::size_t n) noexcept {
    ++allocations;
    return std::malloc(n ? n : 1);
}
void* counted_or_throw(std::size_t n) {
    if (void* p = counted(n)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) {
    return counted_or_throw(n);
}
void* operator new[](std::size_t n) {
    return counted_or_throw(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    return counted(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    return counted(n);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}

namespace {

skill::Task<skill::Response> plain(skill::Context&) {
    co_return skill::tell("hi");
}
skill::Task<skill::Response> timed(skill::Context& ctx) {
    const auto now = ctx.now();  // UTC: the invocation names no zone
    co_return skill::tell(now.time_of_day().hours().count() >= 0 ? "hi" : "no");
}

long allocations_of(const skill::IntentRegistry& registry, std::string_view intent) {
    skill::Config config;
    config.set("service-persistence", "active", "false");
    config.set("http", "threads", "1");
    config.set("log", "level", "error");
    skill::Engine engine(config, registry);
    const std::string body = R"({"context":{"intent":")" + std::string(intent) +
                             R"(","locale":"de","tokens":{}},"spiVersion":"1.4.1"})";
    for (int i = 0; i < 10; ++i) engine.invoke(body);  // warm: pools, caches, the tzdb
    const long before = allocations.load();
    constexpr int runs = 100;
    for (int i = 0; i < runs; ++i) engine.invoke(body);
    return allocations.load() - before;  // over `runs` invocations
}

}  // namespace

TEST_CASE("hooks and the clock add no allocation per invocation") {
    skill::IntentRegistry bare;
    bare.add("PLAIN", plain);
    bare.add("TIMED", timed);
    skill::IntentRegistry hooked = bare;
    hooked.hooks().before.push_back(
        [](skill::Context&) -> std::optional<skill::Response> { return std::nullopt; });
    hooked.hooks().after.push_back([](skill::Context&, skill::Response&) {});
    hooked.hooks().on_error.push_back(
        [](skill::Context&, std::exception_ptr) -> std::optional<skill::Response> {
            return std::nullopt;
        });

    const long plain_bare = allocations_of(bare, "PLAIN");
    const long plain_hooked = allocations_of(hooked, "PLAIN");
    const long timed_bare = allocations_of(bare, "TIMED");
    WARN("allocations in 100 in-process invocations: " << plain_bare << " plain, " << plain_hooked
                                                       << " with hooks, " << timed_bare
                                                       << " asking ctx.now()");
    CHECK(plain_hooked == plain_bare);
    CHECK(timed_bare == plain_bare);
}
