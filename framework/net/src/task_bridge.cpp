#include <skill/net/task_bridge.hpp>

#include <memory>

namespace skill::net {

void AsioScheduler::resume_at(std::coroutine_handle<> h, std::int64_t steady_ns) {
    using Timer = boost::asio::steady_timer;
    const auto at = Timer::time_point(std::chrono::nanoseconds(steady_ns));
    auto timer = std::make_shared<Timer>(executor_, at);
    // On shutdown the wait is destroyed, not completed: the task's frame then belongs to
    // whoever owns the Task (await_task's frame), which destroys it.
    timer->async_wait([timer, h](const boost::system::error_code&) { h.resume(); });
}

}  // namespace skill::net
