#pragma once
// Small helpers for tests that drive an io_context from the test thread.
#include <skill/net/task_bridge.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <utility>

namespace skill::test {

/// Runs `task` on `io` (restarted, run until idle) and returns its result or rethrows.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
    auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

/// The same for a skill::Task (a session's call, a handler), run as the runtime runs it.
template <class T>
T run(boost::asio::io_context& io, skill::Task<T> task) {
    return run(io, net::await_task(std::move(task)));
}

/// How long `f()` took.
template <class F>
std::chrono::milliseconds timed(F&& f) {
    const auto started = std::chrono::steady_clock::now();
    std::forward<F>(f)();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
}

}  // namespace skill::test
