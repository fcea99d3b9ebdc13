#pragma once
// Where a skill::Task meets Asio, in both directions (internal: the runtime, the service
// clients and tests use it; handler code never sees it):
//
//   - await_task(task, deadline): an Asio coroutine runs a Task (the dispatcher runs a
//     handler). The task runs inline until it first waits, so a handler that does no I/O
//     costs no post, no timer and no extra frame.
//   - on_asio(executor, awaitable): a Task awaits an Asio coroutine (a service client
//     awaits its socket); the Task resumes on the same thread when the I/O is done.
#include <skill/net/http.hpp>
#include <skill/task.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

namespace skill::net {

inline constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();

/// steady_clock nanoseconds, the unit of detail::Scheduler.
inline std::int64_t steady_ns(std::chrono::steady_clock::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// The Scheduler of the tasks one await_task runs: its executor's thread, one deadline.
class AsioScheduler final : public detail::Scheduler {
public:
    AsioScheduler(boost::asio::any_io_executor executor, std::int64_t deadline_ns) noexcept
        : executor_(std::move(executor)), deadline_ns_(deadline_ns) {}
    void resume_at(std::coroutine_handle<> h, std::int64_t steady_ns) override;
    std::int64_t deadline_ns() const noexcept override { return deadline_ns_; }

private:
    boost::asio::any_io_executor executor_;
    std::int64_t deadline_ns_;
};

/// Runs `task` to its end from an Asio coroutine and returns what it returns (or rethrows).
template <class T>
Awaitable<T> await_task(Task<T> task, std::int64_t deadline_ns = no_deadline) {
    auto executor = co_await boost::asio::this_coro::executor;
    AsioScheduler scheduler(executor, deadline_ns);
    auto& promise = task.handle().promise();
    promise.scheduler = &scheduler;
    bool done = false;
    promise.on_done = [](void* flag) { *static_cast<bool*>(flag) = true; };
    promise.on_done_arg = &done;
    task.handle().resume();
    if (!done) {
        // Waiting for I/O: sleep on a timer that the task's end cancels. The timer lives in
        // this frame, so a shutdown that destroys the frame leaves nothing behind.
        boost::asio::steady_timer wake(executor, boost::asio::steady_timer::time_point::max());
        promise.on_done = [](void* timer) { static_cast<boost::asio::steady_timer*>(timer)->cancel(); };
        promise.on_done_arg = &wake;
        boost::system::error_code cancelled;
        co_await wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, cancelled));
    }
    co_return task.await_resume();
}

/// `co_await on_asio(executor, op)` inside a Task: runs the Asio coroutine `op` on
/// `executor` (the task's own thread) and resumes the task with its result.
template <class T>
class AsioOp {
public:
    AsioOp(boost::asio::any_io_executor executor, Awaitable<T> op)
        : executor_(std::move(executor)), op_(std::move(op)) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> task) {
        boost::asio::co_spawn(executor_, std::move(op_), [this, task](std::exception_ptr e, T value) {
            if (e) error_ = e;
            else value_.emplace(std::move(value));
            task.resume();
        });
    }
    T await_resume() {
        if (error_) std::rethrow_exception(error_);
        return std::move(*value_);
    }

private:
    boost::asio::any_io_executor executor_;
    Awaitable<T> op_;
    std::optional<T> value_;
    std::exception_ptr error_;
};

template <class T>
AsioOp<T> on_asio(boost::asio::any_io_executor executor, Awaitable<T> op) {
    return AsioOp<T>(std::move(executor), std::move(op));
}

}  // namespace skill::net
