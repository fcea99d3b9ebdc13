#pragma once
// skill::Task<T>: the coroutine type of every handler and service call.
//
//   skill::Task<skill::Response> greet(skill::Context& ctx) {
//       auto data = co_await ctx.persistence().get();   // a Task<Document>
//       co_return skill::tell("Hello!");
//   }
//
// A Task starts when it is awaited and resumes its awaiter when it ends (symmetric
// transfer: no stack growth, no queue). It is the SDK's own type on purpose: handler code
// includes <coroutine> and nothing of Asio or Beast, which the runtime compiles once and
// bridges to at the two places a Task meets I/O (the dispatcher runs handlers; the service
// clients await sockets). Frames come from a per-thread cache, not from malloc each time.
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace skill {

template <class T = void>
class Task;

namespace detail {

/// The runtime's side of a running Task: the I/O thread it runs on and the deadline of the
/// invocation it serves. Tasks inherit it from whoever awaits them.
class Scheduler {
public:
    /// Resume `h` on this thread at `steady_ns` (std::chrono::steady_clock, nanoseconds).
    virtual void resume_at(std::coroutine_handle<> h, std::int64_t steady_ns) = 0;
    /// The invocation's deadline, steady_clock nanoseconds (INT64_MAX: none).
    virtual std::int64_t deadline_ns() const noexcept = 0;

protected:
    ~Scheduler() = default;
};

void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

struct TaskPromiseBase {
    std::coroutine_handle<> continuation;  // who awaits this task (none: the runtime's root)
    void (*on_done)(void*) = nullptr;      // root only: called once the task has ended
    void* on_done_arg = nullptr;
    Scheduler* scheduler = nullptr;
    std::exception_ptr error;

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

    std::suspend_always initial_suspend() const noexcept { return {}; }
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
            TaskPromiseBase& p = h.promise();
            if (p.continuation) return p.continuation;
            // A root: `on_done` may destroy this frame, so nothing here touches it after.
            if (p.on_done) p.on_done(p.on_done_arg);
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
    std::optional<T> value;
    Task<T> get_return_object() noexcept;
    template <class U = T>
        requires std::is_constructible_v<T, U&&>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
    T result() {
        if (error) std::rethrow_exception(error);
        return std::move(*value);
    }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void result() const {
        if (error) std::rethrow_exception(error);
    }
};

/// `co_await detail::this_scheduler{}`: the Scheduler of the awaiting Task, without suspending.
struct this_scheduler {
    Scheduler* found = nullptr;
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
        found = h.promise().scheduler;
        return false;  // carry on at once
    }
    Scheduler* await_resume() const noexcept { return found; }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
public:
    using promise_type = detail::TaskPromise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(handle_type h) noexcept : h_(h) {}
    Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            if (h_) h_.destroy();
            h_ = std::exchange(other.h_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() {
        if (h_) h_.destroy();
    }

    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> awaiting) noexcept {
        auto& p = h_.promise();
        p.continuation = awaiting;
        if constexpr (std::is_base_of_v<detail::TaskPromiseBase, Promise>)
            p.scheduler = awaiting.promise().scheduler;
        return h_;
    }
    T await_resume() { return h_.promise().result(); }

    /// The runtime's: the coroutine behind this task (null once moved from).
    handle_type handle() const noexcept { return h_; }

private:
    handle_type h_;
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace skill
