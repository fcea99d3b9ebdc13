// CircuitBreaker: two atomics, no lock. `opened_at_` is either `closed_` or the
// time the breaker (re-)opened; a trial is granted by moving that time to
// "now" with a compare-exchange, so exactly one caller wins it per period and
// a trial whose outcome is never reported (a cancelled call) simply lets the
// next period grant another one.
#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <skill/persistence_http.hpp>

namespace skill {

CircuitBreaker::CircuitBreaker(unsigned threshold, std::chrono::milliseconds open_for, Clock clock)
    : threshold_(std::max(threshold, 1u)),
      open_ticks_(
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(open_for).count()),
      clock_(std::move(clock)) {}

std::int64_t CircuitBreaker::now_ticks() const {
    return static_cast<std::int64_t>(clock_().time_since_epoch().count());
}

bool CircuitBreaker::allow() {
    auto opened_at = opened_at_.load(std::memory_order_acquire);
    if (opened_at == closed_) return true;
    auto now = now_ticks();
    if (now - opened_at < open_ticks_) return false;
    // The period is over: the one caller that moves opened_at forward runs the trial.
    return opened_at_.compare_exchange_strong(opened_at, now, std::memory_order_acq_rel);
}

void CircuitBreaker::success() {
    failures_.store(0, std::memory_order_relaxed);
    opened_at_.store(closed_, std::memory_order_release);
}

void CircuitBreaker::failure() {
    auto failures = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
    // A failed trial (the count is still >= threshold) re-opens for another period.
    if (failures >= threshold_) opened_at_.store(now_ticks(), std::memory_order_release);
}

void CircuitBreaker::record(const boost::system::error_code& failed, int http_status) {
    if (failed) {
        if (failed != boost::beast::http::error::body_limit) failure();  // else: this answer's size
        return;
    }
    if (http_status == 502 || http_status == 503 || http_status == 504) {
        failure();  // the service or its gateway says it is overloaded or gone
    } else if (http_status < 500) {
        success();  // it answered; a 4xx refused this request only
    }
}

bool CircuitBreaker::open() const {
    return opened_at_.load(std::memory_order_acquire) != closed_;
}

}  // namespace skill
