#include <skill/errors.hpp>
#include <skill/sleep.hpp>

#include <algorithm>
#include <stdexcept>

namespace skill {

namespace {

/// Suspends the task until its scheduler resumes it at `steady_ns`.
struct ResumeAt {
    detail::Scheduler* scheduler;
    std::int64_t steady_ns;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const { scheduler->resume_at(h, steady_ns); }
    void await_resume() const noexcept {}
};

}  // namespace

Task<void> sleep_until(std::chrono::steady_clock::time_point when) {
    detail::this_scheduler here;
    detail::Scheduler* scheduler = co_await here;
    if (!scheduler) throw std::logic_error("skill::sleep_until: not inside a handler the runtime runs");
    const std::int64_t wanted =
        std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
    const std::int64_t deadline = scheduler->deadline_ns();
    // Named, not a temporary inside co_await: GCC 12 (docs/handlers.md).
    ResumeAt wake{scheduler, std::min(wanted, deadline)};
    co_await wake;
    if (deadline <= wanted) throw DeadlineExceeded("the invocation's deadline passed while waiting");
}

Task<void> sleep_for(std::chrono::milliseconds duration) {
    auto sleeping = sleep_until(std::chrono::steady_clock::now() + duration);
    co_await std::move(sleeping);
}

}  // namespace skill
