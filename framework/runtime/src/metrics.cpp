#include "metrics.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "exposition.hpp"

namespace skill::runtime {

namespace {

constexpr std::size_t bucket_count = latency_buckets.size() + 1;  // the last one is +Inf

// A cell with a single writer: a relaxed load and store suffice (no locked
// read-modify-write on the hot path), and a reader always sees a whole value.
void bump(std::atomic<std::uint64_t>& cell, std::uint64_t by = 1) noexcept {
    cell.store(cell.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

std::size_t bucket_of(std::chrono::nanoseconds took) noexcept {
    const double seconds = std::chrono::duration<double>(took).count();
    // `le` is inclusive: a value equal to a bound belongs to that bucket.
    auto it = std::lower_bound(latency_buckets.begin(), latency_buckets.end(), seconds);
    return static_cast<std::size_t>(it - latency_buckets.begin());
}

struct Histogram {
    std::array<std::atomic<std::uint64_t>, bucket_count> buckets{};  // per bucket, not cumulative
    std::atomic<std::uint64_t> sum_ns{0};

    void observe(std::chrono::nanoseconds took) noexcept {
        took = std::max(took, std::chrono::nanoseconds::zero());
        bump(buckets[bucket_of(took)]);
        bump(sum_ns, static_cast<std::uint64_t>(took.count()));
    }
};

struct Series {
    explicit Series(std::string l) : labels(std::move(l)) {}
    const std::string labels;  // the rendered label list, also the key
    Histogram histogram;
    Series* next = nullptr;  // immutable once published
};

/// Label set -> histogram. One writer (the owning thread) adds series by
/// pushing them onto a list with a release store; scrapers walk the list
/// after an acquire load, so they never see a half-built series.
class SeriesTable {
  public:
    SeriesTable() = default;
    SeriesTable(const SeriesTable&) = delete;
    SeriesTable& operator=(const SeriesTable&) = delete;
    ~SeriesTable() {
        for (Series* s = head_.load(std::memory_order_acquire); s != nullptr;) {
            Series* next = s->next;
            delete s;
            s = next;
        }
    }

    /// Owner thread only. Allocates only the first time a label set is seen.
    Histogram& at(std::string_view labels) {
        if (auto it = index_.find(labels); it != index_.end()) return it->second->histogram;
        auto* series = new Series(std::string(labels));
        series->next = head_.load(std::memory_order_relaxed);
        index_.emplace(series->labels, series);
        head_.store(series, std::memory_order_release);
        return series->histogram;
    }

    template <class F>
    void for_each(F&& f) const {
        for (const Series* s = head_.load(std::memory_order_acquire); s != nullptr; s = s->next)
            f(*s);
    }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string_view, Series*, Hash, std::equal_to<>> index_;  // owner only
    std::atomic<Series*> head_{nullptr};
};

/// A histogram family summed over every block, by label set (sorted: stable output).
struct Totals {
    std::array<std::uint64_t, bucket_count> buckets{};
    std::uint64_t sum_ns = 0;
    std::uint64_t count() const {
        std::uint64_t n = 0;
        for (auto b : buckets) n += b;
        return n;
    }
};
using Merged = std::map<std::string, Totals, std::less<>>;

void add(Merged& merged, const Series& s) {
    auto& t = merged[s.labels];
    for (std::size_t i = 0; i < bucket_count; ++i)
        t.buckets[i] += s.histogram.buckets[i].load(std::memory_order_relaxed);
    t.sum_ns += s.histogram.sum_ns.load(std::memory_order_relaxed);
}

std::string with_le(const std::string& labels, std::size_t bucket) {
    std::string out = labels;
    std::string bound;
    if (bucket < latency_buckets.size())
        prometheus::append_number(bound, latency_buckets[bucket]);
    else
        bound = "+Inf";
    prometheus::append_label(out, "le", bound);
    return out;
}

void render_histogram(std::string& out, std::string_view name, std::string_view help,
                      const Merged& merged) {
    prometheus::append_header(out, name, "histogram", help);
    const std::string bucket_name = std::string(name) + "_bucket";
    for (const auto& [labels, totals] : merged) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < bucket_count; ++i) {
            cumulative += totals.buckets[i];
            prometheus::append_sample(out, bucket_name, with_le(labels, i), cumulative);
        }
        prometheus::append_sample(out, std::string(name) + "_sum", labels,
                                  static_cast<double>(totals.sum_ns) / 1e9);
        prometheus::append_sample(out, std::string(name) + "_count", labels, cumulative);
    }
}

void render_counts(std::string& out, std::string_view name, std::string_view help,
                   const Merged& merged) {
    prometheus::append_header(out, name, "counter", help);
    for (const auto& [labels, totals] : merged)
        prometheus::append_sample(out, name, labels, totals.count());
}

void render_value(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help, std::uint64_t value) {
    prometheus::append_header(out, name, type, help);
    prometheus::append_sample(out, name, {}, value);
}

/// The last label sets a thread recorded, by their parts (three texts and a number:
/// a request's method, route, intent and status; a partner call's partner, operation
/// and status): a hit (nearly every call of a steady workload) skips rendering and
/// hashing the label key.
class RecentSeries {
  public:
    Histogram* find(std::string_view a, std::string_view b, std::string_view c,
                    int n = 0) noexcept {
        for (auto& e : entries_)
            if (e.histogram && e.n == n && e.a == a && e.b == b && e.c == c) return e.histogram;
        return nullptr;
    }
    void remember(std::string_view a, std::string_view b, std::string_view c, int n, Histogram& h) {
        Entry& e = entries_[next_++ % entries_.size()];
        e.a = a;  // copies: a label's storage may not outlive the call
        e.b = b;
        e.c = c;
        e.n = n;
        e.histogram = &h;
    }

  private:
    struct Entry {
        std::string a, b, c;
        int n = 0;
        Histogram* histogram = nullptr;
    };
    std::array<Entry, 8> entries_;
    std::size_t next_ = 0;
};

}  // namespace

struct alignas(64) Metrics::Block {
    std::atomic<std::uint64_t> started{0};
    std::atomic<std::uint64_t> finished{0};
    std::atomic<std::uint64_t> unavailable{0};
    SeriesTable requests;
    SeriesTable partner_calls;
    std::string key;  // scratch for building label keys: no allocation once warm
    RecentSeries recent_requests;
    RecentSeries recent_partner_calls;
};

Metrics::Metrics(unsigned threads, Gauges gauges) : gauges_(std::move(gauges)) {
    for (unsigned i = 0; i < std::max(threads, 1u); ++i)
        blocks_.push_back(std::make_unique<Block>());
}

Metrics::~Metrics() = default;

Metrics::Block& Metrics::block(unsigned thread) noexcept {
    return *blocks_[std::min<std::size_t>(thread, blocks_.size() - 1)];
}

void Metrics::request_started(unsigned thread) noexcept {
    bump(block(thread).started);
}

void Metrics::request_finished(unsigned thread, const RequestLabels& labels,
                               std::chrono::nanoseconds took) {
    Block& b = block(thread);
    Histogram* histogram =
        b.recent_requests.find(labels.method, labels.uri, labels.intent, labels.status);
    if (!histogram) {
        char status[12];
        auto [end, ec] = std::to_chars(status, status + sizeof status, labels.status);
        b.key.clear();
        prometheus::append_label(b.key, "method", labels.method);
        prometheus::append_label(b.key, "uri", labels.uri);
        prometheus::append_label(b.key, "status", std::string_view(status, end));
        prometheus::append_label(b.key, "intent", labels.intent);
        histogram = &b.requests.at(b.key);
        b.recent_requests.remember(labels.method, labels.uri, labels.intent, labels.status,
                                   *histogram);
    }
    histogram->observe(took);
    // Release: a scraper that sees this finish also sees its start (the gauge never goes negative).
    b.finished.store(b.finished.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

void Metrics::partner_call(unsigned thread, const PartnerLabels& labels,
                           std::chrono::nanoseconds took) {
    Block& b = block(thread);
    Histogram* histogram =
        b.recent_partner_calls.find(labels.partner, labels.operation, labels.status);
    if (!histogram) {
        b.key.clear();
        prometheus::append_label(b.key, "partner", labels.partner);
        prometheus::append_label(b.key, "operation", labels.operation);
        prometheus::append_label(b.key, "status", labels.status);
        histogram = &b.partner_calls.at(b.key);
        b.recent_partner_calls.remember(labels.partner, labels.operation, labels.status, 0,
                                        *histogram);
    }
    histogram->observe(took);
}

void Metrics::unavailable_answer(unsigned thread) noexcept {
    bump(block(thread).unavailable);
}

std::string Metrics::render() const {
    Merged requests, partner_calls;
    std::uint64_t started = 0, finished = 0, unavailable = 0;
    for (const auto& b : blocks_) {
        finished += b->finished.load(std::memory_order_acquire);  // before `started`: see Block
        started += b->started.load(std::memory_order_relaxed);
        unavailable += b->unavailable.load(std::memory_order_relaxed);
        b->requests.for_each([&](const Series& s) { add(requests, s); });
        b->partner_calls.for_each([&](const Series& s) { add(partner_calls, s); });
    }
    std::string out;
    out.reserve(4096 + 1024 * (requests.size() + partner_calls.size()));
    render_histogram(out, "http_server_requests_seconds",
                     "Requests served, by method, route (uri), status and intent", requests);
    render_value(out, "http_server_requests_in_progress", "gauge", "Requests being served now",
                 started > finished ? started - finished : 0);
    render_value(out, "http_server_connections_open", "gauge", "Open client connections",
                 gauges_.open_connections ? gauges_.open_connections() : 0);
    render_counts(out, "http_partner_request_count",
                  "Calls to platform services, by partner, operation and status", partner_calls);
    render_histogram(out, "http_requests_latency_seconds",
                     "Latency of calls to platform services, by partner, operation and status",
                     partner_calls);
    render_value(out, "skill_circuit_breakers_open", "gauge", "Circuit breakers open now",
                 gauges_.open_circuit_breakers ? gauges_.open_circuit_breakers() : 0);
    render_value(out, "skill_unavailable_answers_total", "counter",
                 "Apologies sent because a platform service was down", unavailable);
    return out;
}

}  // namespace skill::runtime
