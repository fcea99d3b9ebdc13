#pragma once
// Waiting inside a handler without blocking its thread (a retry back-off, a test's slow
// handler). Never past the invocation's deadline: when the deadline comes first, the wait
// ends there with DeadlineExceeded (uncaught: the 504 any late handler gets).
//
//   co_await skill::sleep_for(std::chrono::milliseconds(200));
#include <skill/task.hpp>

#include <skill/clock.hpp>

namespace skill {

Task<void> sleep_until(std::chrono::steady_clock::time_point when);
Task<void> sleep_for(std::chrono::milliseconds duration);

}  // namespace skill
