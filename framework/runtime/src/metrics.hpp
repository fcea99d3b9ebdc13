#pragma once
// The runtime's metrics (protocol.md §7, docs/operations.md). One counter block
// per I/O thread, written only by that thread (relaxed loads and stores, no
// lock, no locked read-modify-write), summed when /prometheus is scraped.
#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skill::runtime {

/// Upper bounds in seconds of every latency histogram (1 ms .. 10 s); +Inf is implicit.
inline constexpr std::array<double, 13> latency_buckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

/// Labels of http_server_requests_seconds. Every value has a bounded set of
/// values, so a client cannot blow up the number of series.
struct RequestLabels {
    std::string_view method;  // GET, HEAD, POST or other
    std::string_view
        uri;  // the route (api base, /k8s/liveness, ...) or "other", never the raw path
    int status = 200;
    std::string_view intent;  // a registered intent, "unknown" or "" (not an invocation)
};

/// Labels of the partner (platform service) call metrics.
struct PartnerLabels {
    std::string_view partner;    // "persistence"
    std::string_view operation;  // get, get_all, set, remove
    std::string_view status;     // the HTTP status, or the failure kind (timeout, unreachable, ...)
};

class Metrics {
  public:
    /// Values owned elsewhere, read at scrape time (may be empty).
    struct Gauges {
        std::function<std::size_t()> open_connections;
        std::function<std::size_t()> open_circuit_breakers;
    };

    explicit Metrics(unsigned threads, Gauges gauges = {});
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // The hot path. `thread` is the shard of the calling I/O thread (ThreadServices::shard);
    // a block must have one writer at a time, which one I/O thread per index guarantees.
    void request_started(unsigned thread) noexcept;
    void request_finished(unsigned thread, const RequestLabels& labels,
                          std::chrono::nanoseconds took);
    void partner_call(unsigned thread, const PartnerLabels& labels, std::chrono::nanoseconds took);
    /// A platform service was down and the user got the apology TELL.
    void unavailable_answer(unsigned thread) noexcept;

    /// Prometheus text format 0.0.4 (exposition.hpp), every block summed. Any thread.
    std::string render() const;

    struct Block;

  private:
    Block& block(unsigned thread) noexcept;

    std::vector<std::unique_ptr<Block>> blocks_;
    Gauges gauges_;
};

}  // namespace skill::runtime
